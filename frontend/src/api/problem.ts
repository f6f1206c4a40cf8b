/**
 * RFC 9457 problems, the one error dialect of every service, and what the UI makes of them.
 *
 * `ApiError` is what every failed request turns into (see `unwrap` in ./client.ts): the
 * problem as the server sent it, or one made up for answers that are not problems (a proxy's
 * 502 page, a network failure), so callers handle one shape.
 */
import type { components } from "./generated/characteristic";

export type Problem = components["schemas"]["Problem"];
export type FieldProblem = NonNullable<Problem["errors"]>[number];

export class ApiError extends Error {
  readonly problem: Problem;
  readonly status: number;

  constructor(problem: Problem) {
    super(problem.detail || problem.title);
    this.name = "ApiError";
    this.problem = problem;
    this.status = problem.status;
  }

  /** The `{field, message}` pairs of a validation failure (empty for other problems). */
  get fieldErrors(): FieldProblem[] {
    return this.problem.errors ?? [];
  }
}

/** A status the UI cannot do anything about but tell the user: 0 is "no answer at all". */
const FALLBACK_TITLES: Record<number, string> = {
  0: "The server could not be reached",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  412: "Precondition Failed",
  423: "Locked",
  429: "Too Many Requests",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

function isProblem(body: unknown): body is Problem {
  if (typeof body !== "object" || body === null) return false;
  const candidate = body as Partial<Problem>;
  return typeof candidate.status === "number" && typeof candidate.title === "string";
}

/** The problem a response carries, or one that describes it when its body is something else. */
export function toProblem(body: unknown, status: number): Problem {
  if (isProblem(body)) {
    return { ...body, detail: body.detail ?? body.title };
  }
  const title = FALLBACK_TITLES[status] ?? `HTTP ${status}`;
  const detail =
    typeof body === "string" && body.trim() && !body.trimStart().startsWith("<")
      ? body.trim().slice(0, 500)
      : status === 0
        ? "Check your connection and try again."
        : `The server answered ${status} ${title}.`;
  return { type: "about:blank", title, status, detail };
}

export function networkError(cause: unknown): ApiError {
  const error = new ApiError(toProblem(null, 0));
  error.cause = cause;
  return error;
}

/** The top-level field a problem's field path refers to: `priceIds.0` -> `priceIds`. */
export function rootField(path: string): string {
  return path.split(".")[0] ?? path;
}

/** A short human message for any error a request may throw (for toasts and alerts). */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const fields = error.fieldErrors.map((item) => `${item.field} ${item.message}`);
    return fields.length > 0 ? `${error.message} (${fields.join("; ")})` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
