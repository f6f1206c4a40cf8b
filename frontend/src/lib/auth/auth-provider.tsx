"use client";

/**
 * The signed-in user for every component: `useAuth()` gives the session state, `login`
 * and `logout`. The session ends by itself when its token expires (a timer), when any API
 * call answers 401 (api/client.ts), or in every tab when one tab signs out.
 */
import { useQueryClient } from "@tanstack/react-query";
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useSyncExternalStore,
  type ReactNode,
} from "react";

import { api, unwrap } from "@/api/client";

import {
  endSession,
  expireIfDue,
  expiryFrom,
  getServerSnapshot,
  getSnapshot,
  startSession,
  subscribe,
  type Role,
  type Session,
  type SessionState,
} from "./session-store";

export interface Auth {
  state: SessionState;
  /** The signed-in user's session, or null (signed out, or not known yet). */
  session: Session | null;
  isAdmin: boolean;
  login(username: string, password: string): Promise<Session>;
  logout(): void;
}

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const state = useSyncExternalStore(subscribe, getSnapshot, getServerSnapshot);
  const queryClient = useQueryClient();
  const wasSignedIn = useRef(false);

  useEffect(() => {
    if (state.status !== "authenticated") return;
    const left = state.session.expiresAt - Date.now();
    const timer = window.setTimeout(() => expireIfDue(), Math.max(0, left) + 100);
    return () => window.clearTimeout(timer);
  }, [state]);

  useEffect(() => {
    // What one user saw must not show up for the next one to sign in on this browser.
    if (state.status === "authenticated") wasSignedIn.current = true;
    else if (state.status === "anonymous" && wasSignedIn.current) {
      wasSignedIn.current = false;
      queryClient.clear();
    }
  }, [state, queryClient]);

  const login = useCallback(async (username: string, password: string) => {
    const token = await unwrap(
      api.identity.POST("/api/v1/auth/login", { body: { username, password } }),
    );
    const me = await unwrap(
      api.identity.GET("/api/v1/auth/me", {
        headers: { Authorization: `Bearer ${token.access_token}` },
      }),
    );
    const session: Session = {
      accessToken: token.access_token,
      expiresAt: expiryFrom(token.expires_in),
      user: { id: me.id, username: me.username, role: me.role as Role },
    };
    startSession(session);
    return session;
  }, []);

  const logout = useCallback(() => endSession("signed-out"), []);

  const value = useMemo<Auth>(() => {
    const session = state.status === "authenticated" ? state.session : null;
    return { state, session, isAdmin: session?.user.role === "ADMIN", login, logout };
  }, [state, login, logout]);

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (auth === null) throw new Error("useAuth() outside <AuthProvider>");
  return auth;
}
