import { describe, expect, it } from "vitest";

import { homeFor, loginHref, safeNext } from "./redirects";

describe("safeNext", () => {
  it.each(["/builder", "/builder?tab=price", "/store?q=fibre&channel=ONLINE"])(
    "keeps a page of the app: %s",
    (next) => {
      expect(safeNext(next)).toBe(next);
    },
  );

  it.each([null, "", "builder", "//evil.example/x", "/\\evil.example", "https://evil.example", "/login", "/login?next=/x"])(
    "refuses anything else: %j",
    (next) => {
      expect(safeNext(next)).toBeNull();
    },
  );
});

describe("loginHref", () => {
  it("names the page to come back to and why the session ended", () => {
    expect(loginHref("/builder?tab=price", "expired")).toBe(
      "/login?next=%2Fbuilder%3Ftab%3Dprice&reason=expired",
    );
  });

  it("is the bare login page with nothing to say", () => {
    expect(loginHref(null)).toBe("/login");
    expect(loginHref("https://evil.example")).toBe("/login");
  });
});

it("sends admins to the Builder and users to the Viewer", () => {
  expect(homeFor("ADMIN")).toBe("/builder");
  expect(homeFor("USER")).toBe("/viewer");
});
