/** Where sign-in sends people, and back. */
import type { EndReason, Role } from "./session-store";

export const LOGIN_PATH = "/login";

/** `next` only ever names a page of this app (no `//evil.example`, no `https:`). */
export function safeNext(next: string | null | undefined): string | null {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) {
    return null;
  }
  if (next === LOGIN_PATH || next.startsWith(`${LOGIN_PATH}?`)) return null;
  return next;
}

export function loginHref(next: string | null, reason: EndReason | null = null): string {
  const params = new URLSearchParams();
  const target = safeNext(next);
  if (target) params.set("next", target);
  if (reason) params.set("reason", reason);
  const query = params.toString();
  return query ? `${LOGIN_PATH}?${query}` : LOGIN_PATH;
}

/** Where a user lands after signing in without a `next`. */
export function homeFor(role: Role): string {
  return role === "ADMIN" ? "/builder" : "/viewer";
}
