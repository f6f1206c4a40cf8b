"use client";

/**
 * Publishing an offering: start the saga (202, PUBLISHING), then poll the offering every
 * 2 s for up to 60 s until it is PUBLISHED, back in DRAFT with the reason it failed, or still
 * publishing when time runs out. Tells the user with a toast either way (unless told not to).
 *
 * `watchPublication` is the loop on its own (no React), `usePublication` the hook the Builder
 * and the Viewer use.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";

import { describeError } from "@/api/problem";
import { notify } from "@/components/ui/toaster";
import { offerings, startPublication } from "@/lib/catalog/offerings";
import type { Offering } from "@/lib/catalog/types";

export const POLL_INTERVAL_MS = 2_000;
export const POLL_TIMEOUT_MS = 60_000;

export type PublicationOutcome =
  | { phase: "published"; offering: Offering }
  | { phase: "failed"; offering: Offering; reason: string }
  | { phase: "timeout"; offering: Offering }
  | { phase: "aborted"; offering: Offering };

export type PublicationState =
  | { phase: "idle" }
  /** The publish request is on its way. */
  | { phase: "starting"; offering: Offering }
  | { phase: "publishing"; offering: Offering }
  | { phase: "error"; error: unknown }
  | PublicationOutcome;

export interface WatchOptions {
  intervalMs?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Each offering read while waiting (to show its status). */
  onUpdate?: (offering: Offering) => void;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
}

export const FAILED_WITHOUT_REASON = "The publication failed without giving a reason.";

function settled(offering: Offering): PublicationOutcome | null {
  switch (offering.lifecycleStatus) {
    case "PUBLISHED":
    case "RETIRED":
      return { phase: "published", offering };
    case "DRAFT":
      return {
        phase: "failed",
        offering,
        reason: offering.publicationFailureReason ?? FAILED_WITHOUT_REASON,
      };
    default:
      return null;
  }
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Polls `read` until the publication of `started` (the 202's offering) has settled. */
export async function watchPublication(
  started: Offering,
  read: (id: string) => Promise<Offering>,
  options: WatchOptions = {},
): Promise<PublicationOutcome> {
  const {
    intervalMs = POLL_INTERVAL_MS,
    timeoutMs = POLL_TIMEOUT_MS,
    signal,
    onUpdate,
    sleep = defaultSleep,
    now = Date.now,
  } = options;
  const deadline = now() + timeoutMs;
  let latest = started;
  let outcome = settled(latest);
  while (outcome === null) {
    if (signal?.aborted) return { phase: "aborted", offering: latest };
    if (now() + intervalMs > deadline) return { phase: "timeout", offering: latest };
    await sleep(intervalMs, signal);
    if (signal?.aborted) return { phase: "aborted", offering: latest };
    try {
      latest = await read(started.id);
      onUpdate?.(latest);
    } catch {
      // A failed poll (a blip at the edge) is not the saga's outcome: try again next tick.
    }
    outcome = settled(latest);
  }
  return outcome;
}

export interface UsePublicationOptions extends Pick<WatchOptions, "intervalMs" | "timeoutMs"> {
  /** Toasts for the outcome (default true). */
  notify?: boolean;
}

export function usePublication(options: UsePublicationOptions = {}) {
  const { intervalMs, timeoutMs, notify: withToasts = true } = options;
  const client = useQueryClient();
  const [state, setState] = useState<PublicationState>({ phase: "idle" });
  const running = useRef<AbortController | null>(null);

  useEffect(() => () => running.current?.abort(), []);

  const remember = useCallback(
    (offering: Offering) => client.setQueryData(offerings.keys.detail(offering.id), offering),
    [client],
  );

  /** Waits for the saga of an offering in PUBLISHING to settle (e.g. one opened later). */
  const follow = useCallback(
    async (publishing: Offering): Promise<PublicationState> => {
      running.current?.abort();
      const controller = new AbortController();
      running.current = controller;
      remember(publishing);
      setState({ phase: "publishing", offering: publishing });
      const outcome = await watchPublication(publishing, offerings.calls.get, {
        intervalMs,
        timeoutMs,
        signal: controller.signal,
        onUpdate: (latest) => {
          remember(latest);
          setState({ phase: "publishing", offering: latest });
        },
      });
      if (outcome.phase === "aborted") return outcome;
      setState(outcome);
      void client.invalidateQueries({ queryKey: offerings.keys.lists() });
      if (withToasts) announce(outcome, timeoutMs ?? POLL_TIMEOUT_MS);
      return outcome;
    },
    [client, intervalMs, timeoutMs, remember, withToasts],
  );

  /** Starts the publication of a draft (its current version) and follows it. */
  const publish = useCallback(
    async (draft: Offering): Promise<PublicationState> => {
      running.current?.abort();
      setState({ phase: "starting", offering: draft });
      let started: Offering;
      try {
        started = await startPublication(draft);
      } catch (error) {
        const failed: PublicationState = { phase: "error", error };
        setState(failed);
        if (withToasts) notify.error(`Could not publish “${draft.name}”`, describeError(error));
        return failed;
      }
      return follow(started);
    },
    [follow, withToasts],
  );

  const reset = useCallback(() => {
    running.current?.abort();
    setState({ phase: "idle" });
  }, []);

  return {
    state,
    publish,
    follow,
    reset,
    isPublishing: state.phase === "starting" || state.phase === "publishing",
  };
}

function announce(outcome: PublicationOutcome, timeoutMs: number): void {
  const name = outcome.offering.name;
  if (outcome.phase === "published") {
    notify.success(`“${name}” is published`, "It is in the store now.");
  } else if (outcome.phase === "failed") {
    notify.error(`Publication of “${name}” failed`, outcome.reason);
  } else if (outcome.phase === "timeout") {
    notify.warning(
      `“${name}” is still publishing`,
      `No outcome after ${Math.round(timeoutMs / 1000)} s. It goes on in the background: ` +
        "look at the offering again later.",
    );
  }
}
