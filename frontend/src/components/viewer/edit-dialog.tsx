"use client";

import { useQueryClient } from "@tanstack/react-query";
import { RefreshCw } from "lucide-react";
import { useState, type ReactNode } from "react";
import {
  useForm,
  type DefaultValues,
  type FieldPath,
  type FieldValues,
  type UseFormReturn,
} from "react-hook-form";

import { ApiError, describeError } from "@/api/problem";
import { FormAlert } from "@/components/app/form-alert";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogFooter } from "@/components/ui/dialog";
import { notify } from "@/components/ui/toaster";
import type { defineResource } from "@/lib/catalog/resource";
import type { Versioned } from "@/lib/catalog/types";
import { applyServerErrors } from "@/lib/forms/server-errors";
import { STALE_DETAIL } from "@/lib/viewer/problems";

type Resource<T extends Versioned, W> = Pick<
  ReturnType<typeof defineResource<T, never, W>>,
  "calls" | "keys" | "useReplace"
>;

export interface EditDialogProps<T extends Versioned & { name: string }, V extends FieldValues, W> {
  /** The item as the list showed it; null closes the dialog. */
  item: T | null;
  onClose: () => void;
  noun: string;
  resource: Resource<T, W>;
  fields: readonly FieldPath<V>[];
  toValues: (item: T) => V;
  toBody: (values: V, current: T) => W;
  children: (form: UseFormReturn<V>, current: T) => ReactNode;
}

/**
 * Edits one item in a modal dialog, pre-filled with the version the list showed, and saves it
 * with If-Match. A 412 (someone else saved meanwhile) is said in so many words, with a button
 * that loads the current version into the form.
 */
export function EditDialog<T extends Versioned & { name: string }, V extends FieldValues, W>(
  props: EditDialogProps<T, V, W>,
) {
  const { item, onClose, noun } = props;
  return (
    <Dialog open={item !== null} onOpenChange={(open) => (open ? undefined : onClose())}>
      {item ? (
        <DialogContent
          title={`Edit ${noun} “${item.name}”`}
          description="Changes are saved over the version shown here, unless someone else saved first."
          className="max-w-xl"
        >
          <EditForm key={item.id} {...props} item={item} />
        </DialogContent>
      ) : null}
    </Dialog>
  );
}

function EditForm<T extends Versioned & { name: string }, V extends FieldValues, W>({
  item,
  onClose,
  noun,
  resource,
  fields,
  toValues,
  toBody,
  children,
}: EditDialogProps<T, V, W> & { item: T }) {
  const client = useQueryClient();
  const replace = resource.useReplace();
  const [current, setCurrent] = useState(item);
  const [stale, setStale] = useState(false);
  const [reloading, setReloading] = useState(false);
  const form = useForm<V>({ mode: "onSubmit", defaultValues: toValues(item) as DefaultValues<V> });
  const {
    formState: { errors, isSubmitting },
  } = form;

  const onSubmit = form.handleSubmit(async (values) => {
    setStale(false);
    try {
      const saved = await replace.mutateAsync({ current, body: toBody(values, current) });
      notify.success(`${capitalize(noun)} “${saved.name}” saved`);
      onClose();
    } catch (error) {
      if (error instanceof ApiError && error.status === 412) {
        setStale(true);
        return;
      }
      applyServerErrors(error, form.setError, { fields, conflictField: "name" as FieldPath<V> });
    }
  });

  async function reload() {
    setReloading(true);
    try {
      const fresh = await resource.calls.get(current.id);
      client.setQueryData(resource.keys.detail(fresh.id), fresh);
      void client.invalidateQueries({ queryKey: resource.keys.lists() });
      setCurrent(fresh);
      form.reset(toValues(fresh));
      setStale(false);
      notify.info(`Loaded the current version of “${fresh.name}”`);
    } catch (error) {
      form.setError("root.server", { type: "server", message: describeError(error) });
    } finally {
      setReloading(false);
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate className="grid gap-4">
      {stale ? (
        <Alert tone="warning" title={`“${current.name}” was changed by someone else`} role="alert">
          <p data-testid="stale-version">{STALE_DETAIL} Your edits here are replaced by it.</p>
          <Button
            variant="secondary"
            size="sm"
            className="mt-2"
            busy={reloading}
            onClick={() => void reload()}
          >
            {reloading ? null : <RefreshCw aria-hidden />}
            Reload the current version
          </Button>
        </Alert>
      ) : null}
      <FormAlert message={errors.root?.server?.message} />
      {children(form, current)}
      <DialogFooter>
        <DialogClose asChild>
          <Button variant="secondary">Cancel</Button>
        </DialogClose>
        <Button type="submit" busy={isSubmitting} disabled={stale}>
          Save changes
        </Button>
      </DialogFooter>
    </form>
  );
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
