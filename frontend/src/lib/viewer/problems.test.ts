import { describe, expect, it } from "vitest";

import { ApiError } from "@/api/problem";

import { describeWriteFailure, STALE_DETAIL } from "./problems";

const problem = (status: number, detail: string) =>
  new ApiError({ type: "about:blank", title: "T", status, detail });

describe("a refused write, in words", () => {
  it("says what uses an item that cannot be deleted, in the server's words", () => {
    const failure = describeWriteFailure(
      problem(409, "Characteristic is used by specifications: Fibre"),
      "delete",
      "Speed",
    );
    expect(failure).toEqual({
      title: "“Speed” is in use",
      detail: "Characteristic is used by specifications: Fibre",
      stale: false,
      gone: false,
    });
  });

  it("says a locked price is locked", () => {
    const failure = describeWriteFailure(problem(423, "Price is locked by a publication"), "delete", "Gold");
    expect(failure.title).toBe("“Gold” is locked");
    expect(failure.detail).toBe("Price is locked by a publication");
  });

  it("offers a reload for a stale version", () => {
    const failure = describeWriteFailure(problem(412, "Precondition Failed"), "save", "Gold");
    expect(failure.stale).toBe(true);
    expect(failure.title).toBe("“Gold” was changed by someone else");
    expect(failure.detail).toBe(STALE_DETAIL);
  });

  it("knows when it is gone", () => {
    expect(describeWriteFailure(problem(404, "Not found"), "retire", "Home").gone).toBe(true);
  });

  it("falls back to the message for anything else", () => {
    expect(describeWriteFailure(new Error("offline"), "publish", "Home")).toMatchObject({
      title: "“Home” could not be published",
      detail: "offline",
    });
    expect(describeWriteFailure(problem(409, "Not a draft"), "save", "Home").title).toBe(
      "“Home” could not be saved",
    );
  });
});
