import { describe, expect, it } from "vitest";

import type { LifecycleStatus, Offering } from "@/lib/catalog/types";

import { FAILED_WITHOUT_REASON, watchPublication } from "./use-publication";

function offering(lifecycleStatus: LifecycleStatus, extra: Partial<Offering> = {}): Offering {
  return {
    id: "o-1",
    name: "Fibre home",
    description: null,
    specificationIds: ["s-1"],
    priceIds: ["p-1"],
    salesChannels: ["ONLINE"],
    lifecycleStatus,
    publicationFailureReason: null,
    sagaId: "saga-1",
    publishedAt: null,
    retiredAt: null,
    version: 2,
    createdAt: "2026-11-29T00:00:00Z",
    updatedAt: "2026-11-29T00:00:00Z",
    ...extra,
  };
}

/** A clock that only moves when the watcher sleeps, and the reads it made. */
function harness(answers: (Offering | Error)[]) {
  let now = 0;
  const reads: number[] = [];
  return {
    reads,
    options: {
      now: () => now,
      sleep: async (ms: number) => {
        now += ms;
      },
    },
    read: async () => {
      reads.push(now);
      const answer = answers.shift() ?? offering("PUBLISHING");
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}

describe("watchPublication", () => {
  it("polls every 2 s until the offering is published", async () => {
    const { read, reads, options } = harness([
      offering("PUBLISHING"),
      offering("PUBLISHED", { publishedAt: "2026-11-29T00:00:05Z" }),
    ]);

    const outcome = await watchPublication(offering("PUBLISHING"), read, options);

    expect(outcome.phase).toBe("published");
    expect(outcome.offering.publishedAt).toBe("2026-11-29T00:00:05Z");
    expect(reads).toEqual([2000, 4000]);
  });

  it("reports the reason when the offering is back in DRAFT", async () => {
    const { read, options } = harness([
      offering("DRAFT", { publicationFailureReason: "The price 'Monthly' is locked." }),
    ]);

    const outcome = await watchPublication(offering("PUBLISHING"), read, options);

    expect(outcome).toMatchObject({ phase: "failed", reason: "The price 'Monthly' is locked." });
  });

  it("says the publication failed even without a reason", async () => {
    const { read, options } = harness([offering("DRAFT")]);

    const outcome = await watchPublication(offering("PUBLISHING"), read, options);

    expect(outcome).toMatchObject({ phase: "failed", reason: FAILED_WITHOUT_REASON });
  });

  it("gives up after 60 s of PUBLISHING, after 30 reads", async () => {
    const { read, reads, options } = harness([]);

    const outcome = await watchPublication(offering("PUBLISHING"), read, options);

    expect(outcome.phase).toBe("timeout");
    expect(reads).toHaveLength(30);
    expect(reads.at(-1)).toBe(60_000);
  });

  it("keeps polling through a failed read", async () => {
    const { read, reads, options } = harness([new Error("502"), offering("PUBLISHED")]);

    const outcome = await watchPublication(offering("PUBLISHING"), read, options);

    expect(outcome.phase).toBe("published");
    expect(reads).toHaveLength(2);
  });

  it("does not poll an offering that has already settled", async () => {
    const { read, reads, options } = harness([]);

    const outcome = await watchPublication(offering("PUBLISHED"), read, options);

    expect(outcome.phase).toBe("published");
    expect(reads).toEqual([]);
  });

  it("stops when aborted", async () => {
    const controller = new AbortController();
    const { read, options } = harness([]);
    controller.abort();

    const outcome = await watchPublication(offering("PUBLISHING"), read, {
      ...options,
      signal: controller.signal,
    });

    expect(outcome.phase).toBe("aborted");
  });
});
