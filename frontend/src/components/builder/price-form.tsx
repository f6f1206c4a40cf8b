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
import { formatPrice, prices } from "@/lib/catalog/prices";
import { checkAmount, checkPriceName, checkPriceUnit, normalizeName } from "@/lib/catalog/rules";
import { CURRENCIES, type Currency } from "@/lib/catalog/types";
import { submitWithServerErrors } from "@/lib/forms/server-errors";

interface Values {
  name: string;
  value: string;
  currency: Currency | "";
  unit: string;
}

const FIELDS = ["name", "value", "currency", "unit"] as const;
const UNIT_SUGGESTIONS = ["per month", "per year", "one-off", "per GB", "per day"];

export function PriceForm() {
  const create = prices.useCreate();
  const form = useForm<Values>({
    mode: "onSubmit",
    defaultValues: { name: "", value: "", currency: "", unit: "" },
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
        currency: values.currency as Currency,
        unit: normalizeName(values.unit),
      }),
    (created, values) => {
      notify.success(`Price “${created.name}” created`, formatPrice(created));
      reset({ name: "", value: "", currency: values.currency, unit: values.unit });
      setFocus("name");
    },
  );

  return (
    <Card aria-labelledby="price-form-title">
      <form onSubmit={onSubmit} noValidate>
        <CardHeader>
          <CardTitle id="price-form-title">New price</CardTitle>
          <CardDescription>
            An amount in a currency per unit, such as 19.99 EUR per month. A price can be in one
            published offering at a time.
          </CardDescription>
        </CardHeader>
        <CardBody className="grid gap-4">
          <FormAlert message={errors.root?.server?.message} />
          <Field
            id="price-name"
            label="Name"
            required
            error={errors.name?.message}
            hint="Letters, digits, spaces and - _ . / ( ) , ; unique in the catalog."
          >
            {(field) => (
              <Input
                {...field}
                autoComplete="off"
                placeholder="Fibre 100 (monthly)"
                {...register("name", { validate: checkPriceName })}
              />
            )}
          </Field>
          <div className="grid gap-4 sm:grid-cols-3">
            <Field
              id="price-value"
              label="Amount"
              required
              error={errors.value?.message}
              hint="Greater than 0, up to 2 decimals."
            >
              {(field) => (
                <Input
                  {...field}
                  inputMode="decimal"
                  autoComplete="off"
                  placeholder="19.99"
                  {...register("value", { validate: checkAmount })}
                />
              )}
            </Field>
            <Field id="price-currency" label="Currency" required error={errors.currency?.message}>
              {(field) => (
                <Select {...field} {...register("currency", { required: "is required" })}>
                  <option value="">Choose</option>
                  {CURRENCIES.map((currency) => (
                    <option key={currency} value={currency}>
                      {currency}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
            <Field id="price-unit" label="Per" required error={errors.unit?.message}>
              {(field) => (
                <>
                  <Input
                    {...field}
                    list="price-unit-suggestions"
                    autoComplete="off"
                    placeholder="per month"
                    {...register("unit", { validate: checkPriceUnit })}
                  />
                  <datalist id="price-unit-suggestions">
                    {UNIT_SUGGESTIONS.map((unit) => (
                      <option key={unit} value={unit} />
                    ))}
                  </datalist>
                </>
              )}
            </Field>
          </div>
        </CardBody>
        <CardFooter>
          <Button type="submit" busy={isSubmitting}>
            {isSubmitting ? null : <Plus aria-hidden />}
            Create price
          </Button>
        </CardFooter>
      </form>
    </Card>
  );
}
