"use client";

import { Plus } from "lucide-react";
import { Controller, useForm } from "react-hook-form";

import { FormAlert } from "@/components/app/form-alert";
import { CharacteristicPicker } from "@/components/catalog/reference-picker";
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
import { Input, Textarea } from "@/components/ui/input";
import { notify } from "@/components/ui/toaster";
import {
  checkCharacteristicIds,
  checkDescription,
  checkName,
  DESCRIPTION_MAX_LENGTH,
  normalizeName,
} from "@/lib/catalog/rules";
import { specifications } from "@/lib/catalog/specifications";
import { submitWithServerErrors } from "@/lib/forms/server-errors";

import { CharacterCount } from "./character-count";

interface Values {
  name: string;
  description: string;
  characteristicIds: string[];
}

const FIELDS = ["name", "description", "characteristicIds"] as const;
const EMPTY: Values = { name: "", description: "", characteristicIds: [] };

export function SpecificationForm() {
  const create = specifications.useCreate();
  const form = useForm<Values>({ mode: "onSubmit", defaultValues: EMPTY });
  const {
    register,
    control,
    reset,
    setFocus,
    watch,
    formState: { errors, isSubmitting },
  } = form;

  const onSubmit = submitWithServerErrors(
    form,
    { fields: FIELDS, conflictField: "name" },
    (values) =>
      create.mutateAsync({
        name: normalizeName(values.name),
        description: values.description.trim() || null,
        characteristicIds: values.characteristicIds,
      }),
    (created) => {
      notify.success(
        `Specification “${created.name}” created`,
        `With ${created.characteristicIds.length} characteristic(s).`,
      );
      reset(EMPTY);
      setFocus("name");
    },
  );

  return (
    <Card aria-labelledby="specification-form-title">
      <form onSubmit={onSubmit} noValidate>
        <CardHeader>
          <CardTitle id="specification-form-title">New specification</CardTitle>
          <CardDescription>
            A named group of characteristics that describes a product, such as Fibre 100 home.
          </CardDescription>
        </CardHeader>
        <CardBody className="grid gap-4">
          <FormAlert message={errors.root?.server?.message} />
          <Field
            id="specification-name"
            label="Name"
            required
            error={errors.name?.message}
            hint="Letters, digits and spaces; unique in the catalog."
          >
            {(field) => (
              <Input
                {...field}
                autoComplete="off"
                placeholder="Fibre 100 home"
                {...register("name", { validate: (value) => checkName(value) })}
              />
            )}
          </Field>
          <Field
            id="specification-description"
            label="Description"
            error={errors.description?.message}
            aside={<CharacterCount text={watch("description")} max={DESCRIPTION_MAX_LENGTH} />}
          >
            {(field) => (
              <Textarea
                {...field}
                rows={3}
                {...register("description", { validate: checkDescription })}
              />
            )}
          </Field>
          <Controller
            control={control}
            name="characteristicIds"
            rules={{ validate: checkCharacteristicIds }}
            render={({ field, fieldState }) => (
              <Field
                id="specification-characteristics"
                label="Characteristics"
                required
                error={fieldState.error?.message}
                hint="Search by name; pick as many as the product has."
              >
                {(control) => (
                  <CharacteristicPicker
                    {...control}
                    ref={field.ref}
                    value={field.value}
                    onChange={(ids) => {
                      field.onChange(ids);
                      field.onBlur();
                    }}
                  />
                )}
              </Field>
            )}
          />
        </CardBody>
        <CardFooter>
          <Button type="submit" busy={isSubmitting}>
            {isSubmitting ? null : <Plus aria-hidden />}
            Create specification
          </Button>
        </CardFooter>
      </form>
    </Card>
  );
}
