"use client";

import { Plus } from "lucide-react";
import { useForm } from "react-hook-form";

import { FormAlert } from "@/components/app/form-alert";
import { Button } from "@/components/ui/button";
import {
  Card,
  CardBody,
  CardDescription,
  CardFooter,
  CardHeader,
  CardTitle,
} from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { notify } from "@/components/ui/toaster";
import { characteristics, useUnits } from "@/lib/catalog/characteristics";
import { checkCharacteristicValue, checkName, normalizeName } from "@/lib/catalog/rules";
import type { UnitOfMeasure } from "@/lib/catalog/types";
import { submitWithServerErrors } from "@/lib/forms/server-errors";

interface Values {
  name: string;
  value: string;
  unitOfMeasure: UnitOfMeasure | "";
}

const FIELDS = ["name", "value", "unitOfMeasure"] as const;

export function CharacteristicForm() {
  const units = useUnits();
  const create = characteristics.useCreate();
  const form = useForm<Values>({
    mode: "onSubmit",
    defaultValues: { name: "", value: "", unitOfMeasure: "" },
  });
  const {
    register,
    reset,
    setFocus,
    formState: { errors, isSubmitting },
  } = form;

  const onSubmit = submitWithServerErrors(
    form,
    { fields: FIELDS, conflictField: "name" },
    (values) =>
      create.mutateAsync({
        name: normalizeName(values.name),
        value: values.value.trim(),
        unitOfMeasure: values.unitOfMeasure as UnitOfMeasure,
      }),
    (created, values) => {
      notify.success(`Characteristic “${created.name}” created`);
      // Characteristics come in runs of one unit ("Download speed", "Upload speed"): keep it.
      reset({ name: "", value: "", unitOfMeasure: values.unitOfMeasure });
      setFocus("name");
    },
  );

  return (
    <Card aria-labelledby="characteristic-form-title">
      <form onSubmit={onSubmit} noValidate>
        <CardHeader>
          <CardTitle id="characteristic-form-title">New characteristic</CardTitle>
          <CardDescription>A named value with a unit, such as Download speed = 100 Mbps.</CardDescription>
        </CardHeader>
        <CardBody className="grid gap-4">
          <FormAlert message={errors.root?.server?.message} />
          <Field
            id="characteristic-name"
            label="Name"
            required
            error={errors.name?.message}
            hint="Letters, digits and spaces; unique in the catalog."
          >
            {(control) => (
              <Input
                {...control}
                autoComplete="off"
                placeholder="Download speed"
                {...register("name", { validate: (value) => checkName(value) })}
              />
            )}
          </Field>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field id="characteristic-value" label="Value" required error={errors.value?.message}>
              {(control) => (
                <Input
                  {...control}
                  autoComplete="off"
                  placeholder="100"
                  {...register("value", { validate: checkCharacteristicValue })}
                />
              )}
            </Field>
            <Field
              id="characteristic-unit"
              label="Unit"
              required
              error={errors.unitOfMeasure?.message}
            >
              {(control) => (
                <Select
                  {...control}
                  disabled={units.isPending}
                  {...register("unitOfMeasure", { required: "is required" })}
                >
                  <option value="">{units.isPending ? "Loading units…" : "Choose a unit"}</option>
                  {units.data?.map((group) => (
                    <optgroup key={group.category} label={group.category}>
                      {group.units.map((unit) => (
                        <option key={unit.value} value={unit.value}>
                          {unit.label === unit.value ? unit.value : `${unit.label} (${unit.value})`}
                        </option>
                      ))}
                    </optgroup>
                  ))}
                </Select>
              )}
            </Field>
          </div>
          {units.isError ? <FormAlert title="Units not loaded" message={units.error.message} /> : null}
        </CardBody>
        <CardFooter>
          <Button type="submit" busy={isSubmitting}>
            {isSubmitting ? null : <Plus aria-hidden />}
            Create characteristic
          </Button>
        </CardFooter>
      </form>
    </Card>
  );
}
