/**
 * Client-side checks that mirror the services' own rules, with the services' wording, so a
 * form says what is wrong before the round trip; the server stays the judge (its errors land
 * on the same fields). Each check returns an error message or `true` (react-hook-form's
 * `validate` contract).
 *
 * The rules (see the services' domain modules): names are 1-200 characters of letters, digits
 * and spaces, after trimming and collapsing inner spaces (price names may also use `-_./(),`);
 * a characteristic's value is 1-100 characters; descriptions at most 2000; a price's amount is
 * a plain decimal greater than 0 with at most two decimal places and at most 9999999999.99;
 * its unit 1-50 printable characters; a specification needs 1-100 characteristics; an
 * offering refers to at most 100 specifications and 100 prices.
 */

export const NAME_MAX_LENGTH = 200;
export const VALUE_MAX_LENGTH = 100;
export const DESCRIPTION_MAX_LENGTH = 2000;
export const PRICE_UNIT_MAX_LENGTH = 50;
export const MAX_CHARACTERISTICS = 100;
export const MAX_REFERENCES = 100;
export const PRICE_NAME_PUNCTUATION = "-_./(),";
export const MAX_AMOUNT = "9999999999.99";

type Check = string | true;

/** Trim and collapse inner runs of whitespace, as the services store names. */
export function normalizeName(raw: string): string {
  return raw.split(/\s+/u).filter(Boolean).join(" ");
}

/** Length in characters (code points), as the services count them. */
function length(text: string): number {
  return [...text].length;
}

function escapeForClass(characters: string): string {
  return characters.replace(/[\\\]^-]/g, "\\$&");
}

export function checkName(raw: string, punctuation = ""): Check {
  const name = normalizeName(raw);
  if (!name) return "is required";
  if (length(name) > NAME_MAX_LENGTH) return `must be at most ${NAME_MAX_LENGTH} characters`;
  const allowed = new RegExp(`^[\\p{L}\\p{N} ${escapeForClass(punctuation)}]+$`, "u");
  if (!allowed.test(name)) {
    return punctuation
      ? `may contain only letters, digits, spaces and ${[...punctuation].join(" ")}`
      : "may contain only letters, digits and spaces";
  }
  return true;
}

export function checkPriceName(raw: string): Check {
  return checkName(raw, PRICE_NAME_PUNCTUATION);
}

export function checkCharacteristicValue(raw: string): Check {
  const value = raw.trim();
  if (!value) return "is required";
  if (length(value) > VALUE_MAX_LENGTH) return `must be at most ${VALUE_MAX_LENGTH} characters`;
  return true;
}

export function checkDescription(raw: string | null | undefined): Check {
  const text = (raw ?? "").trim();
  if (length(text) > DESCRIPTION_MAX_LENGTH) {
    return `must be at most ${DESCRIPTION_MAX_LENGTH} characters`;
  }
  return true;
}

const PLAIN_DECIMAL = /^-?[0-9]+(?:\.[0-9]+)?$/;

/** The amount as the API wants it ("19.99"), checked like the pricing service checks it. */
export function checkAmount(raw: string): Check {
  const text = raw.trim();
  if (!text) return "is required";
  if (!PLAIN_DECIMAL.test(text)) return 'must be a decimal number such as "19.99"';
  const [whole = "", fraction = ""] = text.replace(/^-/, "").split(".");
  const isZero = /^0*$/.test(whole) && /^0*$/.test(fraction);
  if (text.startsWith("-") || isZero) return "must be greater than 0";
  if (fraction.length > 2) return "must have at most 2 decimal places";
  if (compareAmounts(whole, fraction, MAX_AMOUNT) > 0) return `must be at most ${MAX_AMOUNT}`;
  return true;
}

/** Compares a non-negative decimal (as its digits) with another, exactly (no floats). */
function compareAmounts(whole: string, fraction: string, other: string): number {
  const [otherWhole = "", otherFraction = ""] = other.split(".");
  const a = whole.replace(/^0+/, "");
  const b = otherWhole.replace(/^0+/, "");
  if (a.length !== b.length) return a.length - b.length;
  if (a !== b) return a < b ? -1 : 1;
  const width = Math.max(fraction.length, otherFraction.length);
  const x = fraction.padEnd(width, "0");
  const y = otherFraction.padEnd(width, "0");
  return x === y ? 0 : x < y ? -1 : 1;
}

// Letters, marks, numbers, punctuation, symbols and the plain space: what Python's
// str.isprintable() accepts.
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]*$/u;

export function checkPriceUnit(raw: string): Check {
  const unit = normalizeName(raw);
  if (!unit) return "is required";
  if (length(unit) > PRICE_UNIT_MAX_LENGTH) {
    return `must be at most ${PRICE_UNIT_MAX_LENGTH} characters`;
  }
  if (!PRINTABLE.test(unit)) return "may contain only printable characters";
  return true;
}

export function checkCharacteristicIds(ids: readonly string[]): Check {
  if (ids.length === 0) return "needs at least one characteristic";
  if (ids.length > MAX_CHARACTERISTICS) {
    return `may hold at most ${MAX_CHARACTERISTICS} characteristics`;
  }
  return true;
}

export function checkReferences(ids: readonly string[] | undefined): Check {
  return (ids?.length ?? 0) > MAX_REFERENCES ? `may hold at most ${MAX_REFERENCES} ids` : true;
}
