import { describe, expect, it } from "vitest";

import { ApiError, toProblem } from "@/api/problem";

import { applyServerErrors } from "./server-errors";

interface Values {
  name: string;
  priceIds: string[];
}

function recorder() {
  const calls: { name: string; message: string | undefined; focus: boolean }[] = [];
  const setError = (
    name: string,
    error: { message?: string },
    options?: { shouldFocus?: boolean },
  ) => {
    calls.push({ name, message: error.message, focus: options?.shouldFocus ?? false });
  };
  return { calls, setError };
}

function problem(status: number, detail: string, errors?: { field: string; message: string }[]) {
  return new ApiError(toProblem({ type: "about:blank", title: "x", status, detail, errors }, status));
}

const OPTIONS = { fields: ["name", "priceIds"] as const, conflictField: "name" as const };

describe("applyServerErrors", () => {
  it("puts each field's messages next to it and focuses the first", () => {
    const { calls, setError } = recorder();

    const placed = applyServerErrors<Values>(
      problem(400, "The offering is not valid.", [
        { field: "name", message: "is required" },
        { field: "priceIds.0", message: "unknown prices: a" },
        { field: "priceIds.1", message: "unknown prices: b" },
      ]),
      setError,
      OPTIONS,
    );

    expect(placed).toBe(true);
    expect(calls).toEqual([
      { name: "name", message: "is required", focus: true },
      { name: "priceIds", message: "unknown prices: a; unknown prices: b", focus: false },
    ]);
  });

  it("sends what no field shows to the form's alert", () => {
    const { calls, setError } = recorder();

    applyServerErrors<Values>(
      problem(400, "The request is not valid", [{ field: "body", message: "Malformed JSON" }]),
      setError,
      OPTIONS,
    );

    expect(calls).toEqual([
      {
        name: "root.server",
        message: "The request is not valid (body: Malformed JSON)",
        focus: false,
      },
    ]);
  });

  it("puts a taken name on the name field", () => {
    const { calls, setError } = recorder();

    const placed = applyServerErrors<Values>(
      problem(409, "A price named 'Monthly' already exists."),
      setError,
      OPTIONS,
    );

    expect(placed).toBe(true);
    expect(calls).toEqual([
      { name: "name", message: "A price named 'Monthly' already exists.", focus: true },
    ]);
  });

  it("puts a state conflict and a stale version in the alert", () => {
    const { calls, setError } = recorder();

    applyServerErrors<Values>(problem(409, "Only a DRAFT can be changed."), setError, OPTIONS);
    applyServerErrors<Values>(problem(412, "The offering has changed."), setError, OPTIONS);

    expect(calls.map((call) => [call.name, call.message])).toEqual([
      ["root.server", "Only a DRAFT can be changed."],
      ["root.server", "The offering has changed. Open it again to see the latest version."],
    ]);
  });

  it("describes an error that is not a problem", () => {
    const { calls, setError } = recorder();

    applyServerErrors<Values>(new Error("boom"), setError, OPTIONS);

    expect(calls).toEqual([{ name: "root.server", message: "boom", focus: false }]);
  });
});
