import { describe, expect, it } from "vitest";

import { ApiError, describeError, networkError, rootField, toProblem } from "./problem";

describe("toProblem", () => {
  it("keeps a problem the server sent", () => {
    const problem = {
      type: "https://catalog.local/problems/validation",
      title: "Bad Request",
      status: 400,
      detail: "The price is not valid.",
      errors: [{ field: "value", message: "must be greater than 0" }],
    };

    expect(toProblem(problem, 400)).toEqual(problem);
  });

  it("describes an answer that is not a problem (a proxy's HTML page)", () => {
    const problem = toProblem("<html>502 Bad Gateway</html>", 502);

    expect(problem).toMatchObject({ status: 502, title: "Bad Gateway" });
    expect(problem.detail).toBe("The server answered 502 Bad Gateway.");
  });

  it("keeps a short plain-text answer as the detail", () => {
    expect(toProblem("upstream timed out", 504).detail).toBe("upstream timed out");
  });
});

describe("ApiError", () => {
  it("carries the status, the detail as its message, and the field errors", () => {
    const error = new ApiError(
      toProblem(
        {
          type: "about:blank",
          title: "Bad Request",
          status: 400,
          detail: "The offering is not valid.",
          errors: [{ field: "priceIds.0", message: "unknown prices: x" }],
        },
        400,
      ),
    );

    expect(error.status).toBe(400);
    expect(error.message).toBe("The offering is not valid.");
    expect(error.fieldErrors).toEqual([{ field: "priceIds.0", message: "unknown prices: x" }]);
    expect(describeError(error)).toBe("The offering is not valid. (priceIds.0 unknown prices: x)");
  });

  it("stands for a request that got no answer, with status 0", () => {
    const error = networkError(new TypeError("Failed to fetch"));

    expect(error.status).toBe(0);
    expect(error.message).toBe("Check your connection and try again.");
  });
});

it("names the top-level field of a field path", () => {
  expect(rootField("specificationIds.3")).toBe("specificationIds");
  expect(rootField("name")).toBe("name");
});
