/**
 * The signed-in session, kept in localStorage so that every tab of the app shares it (a
 * sign-out in one tab signs out all of them) and a reload keeps the user signed in.
 *
 * A tiny external store for React's `useSyncExternalStore`: the server and the first client
 * render see `loading` (storage exists only in the browser), then the stored session.
 * The token expires (`expires_in` from the login); an expired session is never returned.
 */

export type Role = "ADMIN" | "USER";

export interface SessionUser {
  id: string;
  username: string;
  role: Role;
}

export interface Session {
  accessToken: string;
  /** Epoch milliseconds after which the token is no longer sent. */
  expiresAt: number;
  user: SessionUser;
}

/** Why the last session ended: the login page tells the user. */
export type EndReason = "signed-out" | "expired" | "unauthorized";

export type SessionState =
  | { status: "loading" }
  | { status: "anonymous"; endedBecause: EndReason | null }
  | { status: "authenticated"; session: Session };

export const STORAGE_KEY = "catalog.session";
/** Sign out a little before the token's real expiry, so no request races it. */
export const EXPIRY_MARGIN_MS = 30_000;

const LOADING: SessionState = { status: "loading" };
const listeners = new Set<() => void>();
let current: SessionState | null = null;

function parse(raw: string | null): Session | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<Session>;
    const user = value.user;
    if (
      typeof value.accessToken !== "string" ||
      typeof value.expiresAt !== "number" ||
      !user ||
      typeof user.username !== "string" ||
      (user.role !== "ADMIN" && user.role !== "USER")
    ) {
      return null;
    }
    return value as Session;
  } catch {
    return null;
  }
}

function read(): SessionState {
  const stored = parse(window.localStorage.getItem(STORAGE_KEY));
  if (stored === null) return { status: "anonymous", endedBecause: null };
  if (stored.expiresAt <= Date.now()) {
    window.localStorage.removeItem(STORAGE_KEY);
    return { status: "anonymous", endedBecause: "expired" };
  }
  return { status: "authenticated", session: stored };
}

function emit(next: SessionState): void {
  current = next;
  for (const listener of listeners) listener();
}

function onStorage(event: StorageEvent): void {
  if (event.key === STORAGE_KEY || event.key === null) emit(read());
}

export function subscribe(listener: () => void): () => void {
  if (listeners.size === 0) window.addEventListener("storage", onStorage);
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) window.removeEventListener("storage", onStorage);
  };
}

export function getSnapshot(): SessionState {
  current ??= read();
  return current;
}

export function getServerSnapshot(): SessionState {
  return LOADING;
}

export function startSession(session: Session): void {
  window.localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  emit({ status: "authenticated", session });
}

export function endSession(reason: EndReason): void {
  if (typeof window === "undefined") return;
  window.localStorage.removeItem(STORAGE_KEY);
  const state = getSnapshot();
  // The first reason wins: ten requests failing with 401 after an expiry are one event.
  if (state.status === "anonymous" && state.endedBecause !== null) return;
  emit({ status: "anonymous", endedBecause: reason });
}

/** Ends the session if its token has expired; returns the milliseconds it has left. */
export function expireIfDue(): number | null {
  const state = getSnapshot();
  if (state.status !== "authenticated") return null;
  const left = state.session.expiresAt - Date.now();
  if (left <= 0) {
    endSession("expired");
    return null;
  }
  return left;
}

/** The bearer token to send, or null (signed out or expired). */
export function accessToken(): string | null {
  if (typeof window === "undefined" || expireIfDue() === null) return null;
  const state = getSnapshot();
  return state.status === "authenticated" ? state.session.accessToken : null;
}

/** When a token that lasts `expiresInSeconds` should be treated as expired. */
export function expiryFrom(expiresInSeconds: number, now: number = Date.now()): number {
  return now + Math.max(0, expiresInSeconds * 1000 - EXPIRY_MARGIN_MS);
}
