import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import type * as Store from "./session-store";

const USER = { id: "u-1", username: "admin", role: "ADMIN" as const };

/** A fresh copy of the store over a fresh localStorage (the store keeps module state). */
async function freshStore(stored?: unknown): Promise<typeof Store> {
  const items = new Map<string, string>();
  if (stored !== undefined) items.set("catalog.session", JSON.stringify(stored));
  vi.stubGlobal("window", {
    localStorage: {
      getItem: (key: string) => items.get(key) ?? null,
      setItem: (key: string, value: string) => items.set(key, value),
      removeItem: (key: string) => items.delete(key),
    },
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
  });
  vi.resetModules();
  return import("./session-store");
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date("2026-11-29T10:00:00Z"));
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("the session store", () => {
  it("gives the stored session's token until it expires", async () => {
    const store = await freshStore({
      accessToken: "t-1",
      expiresAt: Date.now() + 60_000,
      user: USER,
    });

    expect(store.getSnapshot()).toMatchObject({ status: "authenticated" });
    expect(store.accessToken()).toBe("t-1");

    vi.advanceTimersByTime(60_000);

    expect(store.accessToken()).toBeNull();
    expect(store.getSnapshot()).toEqual({ status: "anonymous", endedBecause: "expired" });
    expect(window.localStorage.getItem(store.STORAGE_KEY)).toBeNull();
  });

  it("treats an expired or malformed stored session as none", async () => {
    const expired = await freshStore({ accessToken: "t", expiresAt: 0, user: USER });
    expect(expired.getSnapshot()).toEqual({ status: "anonymous", endedBecause: "expired" });

    const malformed = await freshStore({ accessToken: "t", user: { username: "x", role: "ROOT" } });
    expect(malformed.getSnapshot()).toEqual({ status: "anonymous", endedBecause: null });
  });

  it("keeps the first reason a session ended for", async () => {
    const store = await freshStore();
    store.startSession({ accessToken: "t", expiresAt: Date.now() + 60_000, user: USER });

    store.endSession("expired");
    store.endSession("unauthorized");

    expect(store.getSnapshot()).toEqual({ status: "anonymous", endedBecause: "expired" });
  });

  it("tells its subscribers when the session starts and ends", async () => {
    const store = await freshStore();
    const seen: string[] = [];
    const unsubscribe = store.subscribe(() => seen.push(store.getSnapshot().status));

    store.startSession({ accessToken: "t", expiresAt: Date.now() + 60_000, user: USER });
    store.endSession("signed-out");
    unsubscribe();

    expect(seen).toEqual(["authenticated", "anonymous"]);
  });

  it("ends a session 30 s before the token does", async () => {
    const store = await freshStore();

    expect(store.expiryFrom(3600, 0)).toBe(3_570_000);
    expect(store.expiryFrom(10, 0)).toBe(0);
  });
});
