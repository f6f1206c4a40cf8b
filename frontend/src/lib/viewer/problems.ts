/**
 * What the Viewer tells the user when a write is refused, from the problem the API sent:
 * a title that says what happened and the server's own `detail` (which names the
 * specifications a characteristic is used by, the saga that locks a price, ...).
 */
import { ApiError, describeError } from "@/api/problem";

export interface WriteFailure {
  title: string;
  detail: string;
  /** 412: the item changed since it was shown; reloading it is the way on. */
  stale: boolean;
  /** 404: it is gone. */
  gone: boolean;
}

export type WriteAction = "delete" | "save" | "retire" | "publish";

const VERBS: Record<WriteAction, string> = {
  delete: "deleted",
  save: "saved",
  retire: "retired",
  publish: "published",
};

export const STALE_DETAIL =
  "Someone else changed it after you opened it, so nothing was changed. " +
  "Reload to see the current version, then try again.";

export function describeWriteFailure(error: unknown, action: WriteAction, name: string): WriteFailure {
  const base = { stale: false, gone: false };
  if (!(error instanceof ApiError)) {
    return { ...base, title: `“${name}” could not be ${VERBS[action]}`, detail: describeError(error) };
  }
  switch (error.status) {
    case 409:
      return {
        ...base,
        title: action === "delete" ? `“${name}” is in use` : `“${name}” could not be ${VERBS[action]}`,
        detail: error.problem.detail,
      };
    case 423:
      return { ...base, title: `“${name}” is locked`, detail: error.problem.detail };
    case 412:
      return { ...base, stale: true, title: `“${name}” was changed by someone else`, detail: STALE_DETAIL };
    case 404:
      return {
        ...base,
        gone: true,
        title: `“${name}” no longer exists`,
        detail: "Someone else deleted it. The list is up to date again.",
      };
    default:
      return { ...base, title: `“${name}” could not be ${VERBS[action]}`, detail: describeError(error) };
  }
}
