/**
 * Puts a failed request's problem on the form: each `{field, message}` next to its field, the
 * rest (or a problem with no field, such as a 503) in the form's alert (`root.server`).
 */
import type { FieldPath, FieldValues, UseFormReturn, UseFormSetError } from "react-hook-form";

import { ApiError, describeError, rootField } from "@/api/problem";

export interface ServerErrorOptions<F extends FieldValues> {
  /** The form's fields, by the names the API uses for them (`name`, `priceIds`, ...). */
  fields: readonly FieldPath<F>[];
  /**
   * Where a 409 goes. The catalog's one uniqueness rule is the name, so create and update
   * forms pass "name"; a state conflict (e.g. editing an offering that is no longer a draft)
   * has no field and goes to the alert.
   */
  conflictField?: FieldPath<F>;
}

/** Returns whether any message went next to a field (the caller may focus it). */
export function applyServerErrors<F extends FieldValues>(
  error: unknown,
  setError: UseFormSetError<F>,
  { fields, conflictField }: ServerErrorOptions<F>,
): boolean {
  if (!(error instanceof ApiError)) {
    setError("root.server", { type: "server", message: describeError(error) });
    return false;
  }
  const known = new Set<string>(fields);
  const unplaced: string[] = [];
  let placed = false;
  const messages = new Map<string, string[]>();
  for (const { field, message } of error.fieldErrors) {
    const name = rootField(field);
    if (known.has(name)) {
      messages.set(name, [...(messages.get(name) ?? []), message]);
    } else {
      unplaced.push(`${field}: ${message}`);
    }
  }
  for (const [name, list] of messages) {
    setError(name as FieldPath<F>, { type: "server", message: list.join("; ") }, {
      shouldFocus: !placed,
    });
    placed = true;
  }
  if (error.status === 409 && conflictField && isNameConflict(error.message)) {
    setError(conflictField, { type: "server", message: error.message }, { shouldFocus: true });
    return true;
  }
  if (!placed || unplaced.length > 0) {
    let detail = unplaced.length > 0 ? `${error.message} (${unplaced.join("; ")})` : error.message;
    if (error.status === 412) detail += " Open it again to see the latest version.";
    setError("root.server", { type: "server", message: detail });
  }
  return placed;
}

/** "A characteristic named 'X' already exists." (a uniqueness conflict) vs a state conflict. */
export function isNameConflict(detail: string): boolean {
  return /\balready exists\b/i.test(detail);
}

/**
 * A submit handler that runs `action` on valid values and puts a failure's problem on the
 * form (see `applyServerErrors`); the form's `isSubmitting` is true meanwhile.
 */
export function submitWithServerErrors<F extends FieldValues, R>(
  form: Pick<UseFormReturn<F>, "handleSubmit" | "setError">,
  options: ServerErrorOptions<F>,
  action: (values: F) => Promise<R>,
  onDone: (result: R, values: F) => void,
) {
  return form.handleSubmit(async (values) => {
    let result: R;
    try {
      result = await action(values);
    } catch (error) {
      applyServerErrors(error, form.setError, options);
      return;
    }
    onDone(result, values);
  });
}
