import { describe, expect, it } from "vitest";

import {
  checkAmount,
  checkCharacteristicIds,
  checkCharacteristicValue,
  checkDescription,
  checkName,
  checkPriceName,
  checkPriceUnit,
  checkReferences,
  normalizeName,
} from "./rules";

describe("names", () => {
  it("are trimmed and their inner runs of spaces collapsed, as the services store them", () => {
    expect(normalizeName("  Download \t speed  ")).toBe("Download speed");
  });

  it("are letters, digits and spaces in any script", () => {
    expect(checkName("Download speed 2")).toBe(true);
    expect(checkName("Vitesse de téléchargement")).toBe(true);
    expect(checkName("İndirme hızı")).toBe(true);
  });

  it("are required", () => {
    expect(checkName("   ")).toBe("is required");
  });

  it("refuse punctuation unless the resource allows it", () => {
    expect(checkName("Fibre (monthly)")).toBe("may contain only letters, digits and spaces");
    expect(checkPriceName("Fibre 100 (monthly), v1.2 - 3/4_x")).toBe(true);
    expect(checkPriceName("Fibre <b>")).toBe(
      "may contain only letters, digits, spaces and - _ . / ( ) ,",
    );
  });

  it("are at most 200 characters, counted as the services count them", () => {
    expect(checkName("a".repeat(200))).toBe(true);
    expect(checkName("a".repeat(201))).toBe("must be at most 200 characters");
    // One character outside the BMP is two UTF-16 units but one character.
    expect(checkName("𝐀".repeat(200))).toBe(true);
  });
});

describe("amounts", () => {
  it.each(["19.99", "20", "0.01", "9999999999.99", "007.5"])("accept %s", (amount) => {
    expect(checkAmount(amount)).toBe(true);
  });

  it.each([
    ["", "is required"],
    ["abc", 'must be a decimal number such as "19.99"'],
    ["1e3", 'must be a decimal number such as "19.99"'],
    ["19,99", 'must be a decimal number such as "19.99"'],
    ["0", "must be greater than 0"],
    ["0.00", "must be greater than 0"],
    ["-5", "must be greater than 0"],
    ["19.999", "must have at most 2 decimal places"],
    ["19.990", "must have at most 2 decimal places"],
    ["10000000000", "must be at most 9999999999.99"],
    ["9999999999.991", "must have at most 2 decimal places"],
  ])("refuse %j: %s", (amount, message) => {
    expect(checkAmount(amount)).toBe(message);
  });
});

describe("the other fields", () => {
  it("check a characteristic's value: 1 to 100 characters", () => {
    expect(checkCharacteristicValue(" 100 ")).toBe(true);
    expect(checkCharacteristicValue(" ")).toBe("is required");
    expect(checkCharacteristicValue("x".repeat(101))).toBe("must be at most 100 characters");
  });

  it("check descriptions: optional, at most 2000 characters", () => {
    expect(checkDescription(null)).toBe(true);
    expect(checkDescription("x".repeat(2000))).toBe(true);
    expect(checkDescription("x".repeat(2001))).toBe("must be at most 2000 characters");
  });

  it("check a price's unit: 1 to 50 printable characters", () => {
    expect(checkPriceUnit("per month")).toBe(true);
    expect(checkPriceUnit("")).toBe("is required");
    expect(checkPriceUnit("x".repeat(51))).toBe("must be at most 50 characters");
    expect(checkPriceUnit("per\u200bmonth")).toBe("may contain only printable characters");
  });

  it("check a specification's characteristics: 1 to 100", () => {
    expect(checkCharacteristicIds([])).toBe("needs at least one characteristic");
    expect(checkCharacteristicIds(["a"])).toBe(true);
    expect(checkCharacteristicIds(Array(101).fill("a"))).toBe(
      "may hold at most 100 characteristics",
    );
  });

  it("check an offering's references: at most 100", () => {
    expect(checkReferences([])).toBe(true);
    expect(checkReferences(Array(101).fill("a"))).toBe("may hold at most 100 ids");
  });
});
