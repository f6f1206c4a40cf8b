"use client";

import { Circle, CircleCheck, FilePlus2, FolderOpen, Save, Send } from "lucide-react";
import { useCallback, useState } from "react";
import { Controller, useForm, type UseFormReturn } from "react-hook-form";

import { FormAlert } from "@/components/app/form-alert";
import { SpecificationPicker, PricePicker } from "@/components/catalog/reference-picker";
import { LifecycleBadge } from "@/components/catalog/status-badges";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import {
  Card,
  CardBody,
  CardDescription,
  CardFooter,
  CardHeader,
  CardTitle,
} from "@/components/ui/card";
import { Checkbox } from "@/components/ui/checkbox";
import { Field, Fieldset } from "@/components/ui/field";
import { Input, Textarea } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Spinner } from "@/components/ui/spinner";
import { notify } from "@/components/ui/toaster";
import { POLL_INTERVAL_MS, POLL_TIMEOUT_MS, usePublication } from "@/hooks/use-publication";
import {
  describeOfferingContents,
  offerings,
  publishability,
  useSalesChannels,
} from "@/lib/catalog/offerings";
import {
  checkDescription,
  checkName,
  checkReferences,
  DESCRIPTION_MAX_LENGTH,
  normalizeName,
} from "@/lib/catalog/rules";
import type { Offering, OfferingWrite } from "@/lib/catalog/types";
import { applyServerErrors, submitWithServerErrors } from "@/lib/forms/server-errors";

import { CharacterCount } from "./character-count";
import { RecentList } from "./recent-list";

interface Values {
  name: string;
  description: string;
  specificationIds: string[];
  priceIds: string[];
  salesChannels: string[];
}

const FIELDS = ["name", "description", "specificationIds", "priceIds", "salesChannels"] as const;
const SERVER_ERRORS = { fields: FIELDS, conflictField: "name" } as const;

export function valuesOf(offering: Offering | null): Values {
  return {
    name: offering?.name ?? "",
    description: offering?.description ?? "",
    specificationIds: offering?.specificationIds ?? [],
    priceIds: offering?.priceIds ?? [],
    salesChannels: offering?.salesChannels ?? [],
  };
}

function bodyOf(values: Values): OfferingWrite {
  return {
    name: normalizeName(values.name),
    description: values.description.trim() || null,
    specificationIds: values.specificationIds,
    priceIds: values.priceIds,
    salesChannels: values.salesChannels,
  };
}

/** The offering tab: compose a draft, save it, publish it; reopen a recent one. */
export function OfferingBuilder() {
  const [current, setCurrent] = useState<Offering | null>(null);
  const publication = usePublication();
  const form = useForm<Values>({ mode: "onSubmit", defaultValues: valuesOf(null) });
  const { reset } = form;

  const adopt = useCallback(
    (offering: Offering | null) => {
      setCurrent(offering);
      reset(valuesOf(offering));
    },
    [reset],
  );

  const open = useCallback(
    (offering: Offering) => {
      publication.reset();
      adopt(offering);
      if (offering.lifecycleStatus === "PUBLISHING") {
        void publication.follow(offering).then((outcome) => {
          if ("offering" in outcome && outcome.phase !== "aborted") adopt(outcome.offering);
        });
      }
    },
    [adopt, publication],
  );

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
      <OfferingForm
        form={form}
        current={current}
        adopt={adopt}
        publication={publication}
        onNew={() => {
          publication.reset();
          adopt(null);
        }}
      />
      <RecentList
        id="recent-offerings"
        title="Recent offerings"
        resource={offerings}
        emptyText="No offerings yet."
        row={(item) => ({
          title: item.name,
          detail: describeOfferingContents(item),
          aside: (
            <span className="flex shrink-0 items-center gap-2">
              <LifecycleBadge status={item.lifecycleStatus} />
              <Button
                variant="ghost"
                size="icon"
                aria-label={`Open ${item.name}`}
                title="Open in the builder"
                onClick={() => open(item)}
              >
                <FolderOpen aria-hidden />
              </Button>
            </span>
          ),
        })}
      />
    </div>
  );
}

interface OfferingFormProps {
  form: UseFormReturn<Values>;
  current: Offering | null;
  adopt: (offering: Offering | null) => void;
  publication: ReturnType<typeof usePublication>;
  onNew: () => void;
}

function OfferingForm({ form, current, adopt, publication, onNew }: OfferingFormProps) {
  const create = offerings.useCreate();
  const replace = offerings.useReplace();
  const channels = useSalesChannels();
  const {
    register,
    control,
    watch,
    setError,
    formState: { errors, isSubmitting, isDirty },
  } = form;

  const { state } = publication;
  const shown =
    state.phase === "publishing" || state.phase === "starting" ? state.offering : current;
  const status = shown?.lifecycleStatus ?? null;
  const busy = isSubmitting || publication.isPublishing;
  const editable = (status === null || status === "DRAFT") && !busy;

  const values = watch();
  const ready = publishability(values);
  const canPublish = ready.specifications && ready.prices && ready.salesChannels && editable;

  async function save(draft: Values): Promise<Offering> {
    const body = bodyOf(draft);
    return current === null
      ? create.mutateAsync(body)
      : replace.mutateAsync({ current, body });
  }

  const onSaveDraft = submitWithServerErrors(form, SERVER_ERRORS, save, (saved) => {
    adopt(saved);
    notify.success(`Draft “${saved.name}” saved`);
  });

  const onPublish = submitWithServerErrors(
    form,
    SERVER_ERRORS,
    async (draft) => (current === null || isDirty ? save(draft) : current),
    (draft) => {
      adopt(draft);
      void publication.publish(draft).then((outcome) => {
        if (outcome.phase === "error") applyServerErrors(outcome.error, setError, SERVER_ERRORS);
        else if ("offering" in outcome && outcome.phase !== "aborted") adopt(outcome.offering);
      });
    },
  );

  return (
    <Card aria-labelledby="offering-form-title">
      <form onSubmit={onSaveDraft} noValidate>
        <CardHeader className="flex flex-row flex-wrap items-start justify-between gap-3">
          <div className="grid gap-1">
            <CardTitle id="offering-form-title">
              {current ? `Offering “${current.name}”` : "New offering"}
            </CardTitle>
            <CardDescription>
              Specifications and prices sold together through sales channels. Save it as a draft
              at any point; publish it when it is complete.
            </CardDescription>
          </div>
          <div className="flex items-center gap-2 text-sm" aria-live="polite">
            <span className="text-muted-foreground">Status</span>
            {status ? <LifecycleBadge status={status} /> : <span>not saved yet</span>}
            {shown ? (
              <span className="text-xs text-muted-foreground">v{shown.version}</span>
            ) : null}
          </div>
        </CardHeader>
        <CardBody className="grid gap-4">
          <PublicationNotice state={state} current={current} />
          <FormAlert message={errors.root?.server?.message} />
          <fieldset disabled={!editable} className="grid gap-4">
            <legend className="sr-only">Offering</legend>
            <Field
              id="offering-name"
              label="Name"
              required
              error={errors.name?.message}
              hint="Letters, digits and spaces; unique in the catalog."
            >
              {(field) => (
                <Input
                  {...field}
                  autoComplete="off"
                  placeholder="Fibre 100 home bundle"
                  {...register("name", { validate: (value) => checkName(value) })}
                />
              )}
            </Field>
            <Field
              id="offering-description"
              label="Description"
              error={errors.description?.message}
              aside={
                <CharacterCount text={values.description} max={DESCRIPTION_MAX_LENGTH} />
              }
            >
              {(field) => (
                <Textarea
                  {...field}
                  rows={3}
                  {...register("description", { validate: checkDescription })}
                />
              )}
            </Field>
            <div className="grid gap-4 md:grid-cols-2">
              <Controller
                control={control}
                name="specificationIds"
                rules={{ validate: checkReferences }}
                render={({ field, fieldState }) => (
                  <Field
                    id="offering-specifications"
                    label="Specifications"
                    error={fieldState.error?.message}
                  >
                    {(props) => (
                      <SpecificationPicker
                        {...props}
                        ref={field.ref}
                        disabled={!editable}
                        value={field.value}
                        onChange={field.onChange}
                      />
                    )}
                  </Field>
                )}
              />
              <Controller
                control={control}
                name="priceIds"
                rules={{ validate: checkReferences }}
                render={({ field, fieldState }) => (
                  <Field
                    id="offering-prices"
                    label="Prices"
                    error={fieldState.error?.message}
                    hint="A locked price is in a published offering already."
                  >
                    {(props) => (
                      <PricePicker
                        {...props}
                        ref={field.ref}
                        disabled={!editable}
                        value={field.value}
                        onChange={field.onChange}
                      />
                    )}
                  </Field>
                )}
              />
            </div>
            <Controller
              control={control}
              name="salesChannels"
              render={({ field, fieldState }) => (
                <Fieldset
                  id="offering-sales-channels"
                  legend="Sales channels"
                  error={fieldState.error?.message}
                >
                  {channels.isPending ? (
                    <Spinner label="Loading sales channels" />
                  ) : (
                    <div className="flex flex-wrap gap-x-6 gap-y-3">
                      {(channels.data ?? []).map((channel) => {
                        const id = `offering-channel-${channel.value}`;
                        const checked = field.value.includes(channel.value);
                        return (
                          <div key={channel.value} className="flex items-center gap-2">
                            <Checkbox
                              id={id}
                              checked={checked}
                              onCheckedChange={(next) =>
                                field.onChange(
                                  next === true
                                    ? [...field.value, channel.value]
                                    : field.value.filter((value) => value !== channel.value),
                                )
                              }
                            />
                            <Label htmlFor={id} className="font-normal">
                              {channel.label}
                            </Label>
                          </div>
                        );
                      })}
                    </div>
                  )}
                </Fieldset>
              )}
            />
          </fieldset>
          <Readiness ready={ready} />
        </CardBody>
        <CardFooter className="justify-between">
          <Button variant="ghost" onClick={onNew} disabled={busy || current === null}>
            <FilePlus2 aria-hidden />
            New offering
          </Button>
          <div className="flex flex-wrap gap-2">
            <Button type="submit" variant="secondary" busy={isSubmitting} disabled={!editable}>
              {isSubmitting ? null : <Save aria-hidden />}
              Save draft
            </Button>
            <Button onClick={onPublish} busy={publication.isPublishing} disabled={!canPublish}>
              {publication.isPublishing ? null : <Send aria-hidden />}
              {publication.isPublishing ? "Publishing…" : "Publish"}
            </Button>
          </div>
        </CardFooter>
      </form>
    </Card>
  );
}

function Readiness({ ready }: { ready: ReturnType<typeof publishability> }) {
  const items = [
    { ok: ready.specifications, text: "at least one specification" },
    { ok: ready.prices, text: "at least one price" },
    { ok: ready.salesChannels, text: "at least one sales channel" },
  ];
  return (
    <div className="rounded-lg bg-muted/60 p-3 text-sm">
      <p id="offering-readiness" className="mb-1.5 font-medium">
        Publishing needs
      </p>
      <ul aria-labelledby="offering-readiness" className="grid gap-1 sm:grid-cols-3">
        {items.map(({ ok, text }) => (
          <li key={text} className="flex items-center gap-2">
            {ok ? (
              <CircleCheck aria-hidden className="size-4 text-success" />
            ) : (
              <Circle aria-hidden className="size-4 text-muted-foreground" />
            )}
            <span className={ok ? "" : "text-muted-foreground"}>
              {text}
              <span className="sr-only">{ok ? " (done)" : " (missing)"}</span>
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

function PublicationNotice({
  state,
  current,
}: {
  state: ReturnType<typeof usePublication>["state"];
  current: Offering | null;
}) {
  switch (state.phase) {
    case "starting":
    case "publishing":
      return (
        <Alert tone="info" title="Publishing…" role="status">
          <span className="flex items-center gap-2" data-testid="publication-progress">
            <Spinner />
            Checking every {POLL_INTERVAL_MS / 1000} seconds, for up to{" "}
            {POLL_TIMEOUT_MS / 1000} seconds.
          </span>
        </Alert>
      );
    case "published":
      return (
        <Alert tone="success" title="Published">
          It is in the store
          {state.offering.publishedAt
            ? ` since ${new Date(state.offering.publishedAt).toLocaleString()}`
            : ""}
          . Its prices are locked while it stays published.
        </Alert>
      );
    case "timeout":
      return (
        <Alert tone="warning" title="Still publishing">
          No outcome yet. The publication goes on in the background: open the offering again
          later to see how it ended.
        </Alert>
      );
    default:
      break;
  }
  // A failure just now, or one from before (an offering opened later) that has not been fixed.
  const reason =
    state.phase === "failed" ? state.reason : (current?.publicationFailureReason ?? null);
  if (reason && current?.lifecycleStatus === "DRAFT") {
    return (
      <Alert tone="danger" title="Publication failed">
        <span data-testid="publication-failure-reason">{reason}</span>
      </Alert>
    );
  }
  return null;
}
