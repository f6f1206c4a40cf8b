"use client";

import { useState, type ReactNode } from "react";

import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogFooter } from "@/components/ui/dialog";
import { describeWriteFailure, type WriteAction, type WriteFailure } from "@/lib/viewer/problems";

interface ConfirmDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  description: ReactNode;
  confirmLabel: string;
  action: WriteAction;
  name: string;
  tone?: "danger" | "primary";
  /** Runs the write; a failure stays in the dialog, in the server's words. */
  onConfirm: () => Promise<unknown>;
  /** After a 412 or 404: the list refetches so the user sees what is there now. */
  onOutdated?: () => void;
}

/** "Delete “X”?" and the like: the outcome of a refusal (409 in use, 423 locked) shows inside. */
export function ConfirmDialog({
  open,
  onOpenChange,
  title,
  description,
  confirmLabel,
  action,
  name,
  tone = "danger",
  onConfirm,
  onOutdated,
}: ConfirmDialogProps) {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<WriteFailure | null>(null);

  async function confirm() {
    setBusy(true);
    setFailure(null);
    try {
      await onConfirm();
      onOpenChange(false);
    } catch (error) {
      const described = describeWriteFailure(error, action, name);
      setFailure(described);
      if (described.stale || described.gone) onOutdated?.();
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        if (!next) setFailure(null);
        onOpenChange(next);
      }}
    >
      <DialogContent role="alertdialog" title={title} description={description}>
        {failure ? (
          <Alert tone="danger" title={failure.title}>
            <p data-testid="write-failure">{failure.detail}</p>
          </Alert>
        ) : null}
        <DialogFooter>
          <DialogClose asChild>
            <Button variant="secondary">{failure ? "Close" : "Cancel"}</Button>
          </DialogClose>
          {failure?.gone || failure?.stale ? null : (
            <Button variant={tone} busy={busy} onClick={() => void confirm()}>
              {confirmLabel}
            </Button>
          )}
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
