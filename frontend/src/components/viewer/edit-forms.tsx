"use client";

import { Controller } from "react-hook-form";

import {
  CharacteristicPicker,
  PricePicker,
  SpecificationPicker,
} from "@/components/catalog/reference-picker";
import { Checkbox } from "@/components/ui/checkbox";
import { Field, Fieldset } from "@/components/ui/field";
import { Input, Select, Textarea } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Spinner } from "@/components/ui/spinner";
import { characteristics, useUnits } from "@/lib/catalog/characteristics";
import { offerings, useSalesChannels } from "@/lib/catalog/offerings";
import { prices } from "@/lib/catalog/prices";
import {
  checkAmount,
  checkCharacteristicIds,
  checkCharacteristicValue,
  checkDescription,
  checkName,
  checkPriceName,
  checkPriceUnit,
  checkReferences,
  normalizeName,
} from "@/lib/catalog/rules";
import { specifications } from "@/lib/catalog/specifications";
import {
  CURRENCIES,
  type Characteristic,
  type Currency,
  type Offering,
  type Price,
  type Specification,
  type UnitOfMeasure,
} from "@/lib/catalog/types";

import { EditDialog } from "./edit-dialog";

interface DialogProps<T> {
  item: T | null;
  onClose: () => void;
}

const optional = (text: string) => (text.trim() ? text.trim() : null);

export function EditCharacteristicDialog(props: DialogProps<Characteristic>) {
  const units = useUnits();
  return (
    <EditDialog
      {...props}
      noun="characteristic"
      resource={characteristics}
      fields={["name", "value", "unitOfMeasure"]}
      toValues={(item) => ({ name: item.name, value: item.value, unitOfMeasure: item.unitOfMeasure as string })}
      toBody={(values) => ({
        name: normalizeName(values.name),
        value: values.value.trim(),
        unitOfMeasure: values.unitOfMeasure as UnitOfMeasure,
      })}
    >
      {({ register, formState: { errors } }) => (
        <>
          <Field id="edit-characteristic-name" label="Name" required error={errors.name?.message}>
            {(control) => (
              <Input {...control} autoComplete="off" {...register("name", { validate: (value) => checkName(value) })} />
            )}
          </Field>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field id="edit-characteristic-value" label="Value" required error={errors.value?.message}>
              {(control) => (
                <Input {...control} autoComplete="off" {...register("value", { validate: checkCharacteristicValue })} />
              )}
            </Field>
            <Field id="edit-characteristic-unit" label="Unit" required error={errors.unitOfMeasure?.message}>
              {(control) =>
                // Mounted once the units are there, so that the current one is selected.
                !units.data ? (
                  <Select {...control} disabled>
                    <option>Loading units…</option>
                  </Select>
                ) : (
                <Select {...control} {...register("unitOfMeasure", { required: "is required" })}>
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
                )
              }
            </Field>
          </div>
        </>
      )}
    </EditDialog>
  );
}

export function EditSpecificationDialog(props: DialogProps<Specification>) {
  return (
    <EditDialog
      {...props}
      noun="specification"
      resource={specifications}
      fields={["name", "description", "characteristicIds"]}
      toValues={(item) => ({
        name: item.name,
        description: item.description ?? "",
        characteristicIds: item.characteristicIds,
      })}
      toBody={(values) => ({
        name: normalizeName(values.name),
        description: optional(values.description),
        characteristicIds: values.characteristicIds,
      })}
    >
      {({ register, control, formState: { errors } }) => (
        <>
          <Field id="edit-specification-name" label="Name" required error={errors.name?.message}>
            {(field) => (
              <Input {...field} autoComplete="off" {...register("name", { validate: (value) => checkName(value) })} />
            )}
          </Field>
          <Field id="edit-specification-description" label="Description" error={errors.description?.message}>
            {(field) => <Textarea {...field} rows={3} {...register("description", { validate: checkDescription })} />}
          </Field>
          <Controller
            control={control}
            name="characteristicIds"
            rules={{ validate: checkCharacteristicIds }}
            render={({ field, fieldState }) => (
              <Field
                id="edit-specification-characteristics"
                label="Characteristics"
                required
                error={fieldState.error?.message}
              >
                {(props) => (
                  <CharacteristicPicker {...props} ref={field.ref} value={field.value} onChange={field.onChange} />
                )}
              </Field>
            )}
          />
        </>
      )}
    </EditDialog>
  );
}

export function EditPriceDialog(props: DialogProps<Price>) {
  return (
    <EditDialog
      {...props}
      noun="price"
      resource={prices}
      fields={["name", "value", "currency", "unit"]}
      toValues={(item) => ({
        name: item.name,
        value: item.value,
        currency: item.currency as string,
        unit: item.unit,
      })}
      toBody={(values) => ({
        name: normalizeName(values.name),
        value: values.value.trim(),
        currency: values.currency as Currency,
        unit: values.unit.trim(),
      })}
    >
      {({ register, formState: { errors } }) => (
        <>
          <Field id="edit-price-name" label="Name" required error={errors.name?.message}>
            {(control) => <Input {...control} autoComplete="off" {...register("name", { validate: checkPriceName })} />}
          </Field>
          <div className="grid gap-4 sm:grid-cols-3">
            <Field id="edit-price-value" label="Amount" required error={errors.value?.message}>
              {(control) => (
                <Input {...control} inputMode="decimal" autoComplete="off" {...register("value", { validate: checkAmount })} />
              )}
            </Field>
            <Field id="edit-price-currency" label="Currency" required error={errors.currency?.message}>
              {(control) => (
                <Select {...control} {...register("currency", { required: "is required" })}>
                  {CURRENCIES.map((currency) => (
                    <option key={currency} value={currency}>
                      {currency}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
            <Field id="edit-price-unit" label="Per" required error={errors.unit?.message}>
              {(control) => <Input {...control} autoComplete="off" {...register("unit", { validate: checkPriceUnit })} />}
            </Field>
          </div>
        </>
      )}
    </EditDialog>
  );
}

export function EditOfferingDialog(props: DialogProps<Offering>) {
  const channels = useSalesChannels();
  return (
    <EditDialog
      {...props}
      noun="offering"
      resource={offerings}
      fields={["name", "description", "specificationIds", "priceIds", "salesChannels"]}
      toValues={(item) => ({
        name: item.name,
        description: item.description ?? "",
        specificationIds: item.specificationIds,
        priceIds: item.priceIds,
        salesChannels: item.salesChannels,
      })}
      toBody={(values) => ({
        name: normalizeName(values.name),
        description: optional(values.description),
        specificationIds: values.specificationIds,
        priceIds: values.priceIds,
        salesChannels: values.salesChannels,
      })}
    >
      {({ register, control, formState: { errors } }) => (
        <>
          <Field id="edit-offering-name" label="Name" required error={errors.name?.message}>
            {(field) => (
              <Input {...field} autoComplete="off" {...register("name", { validate: (value) => checkName(value) })} />
            )}
          </Field>
          <Field id="edit-offering-description" label="Description" error={errors.description?.message}>
            {(field) => <Textarea {...field} rows={3} {...register("description", { validate: checkDescription })} />}
          </Field>
          <Controller
            control={control}
            name="specificationIds"
            rules={{ validate: checkReferences }}
            render={({ field, fieldState }) => (
              <Field id="edit-offering-specifications" label="Specifications" error={fieldState.error?.message}>
                {(props) => (
                  <SpecificationPicker {...props} ref={field.ref} value={field.value} onChange={field.onChange} />
                )}
              </Field>
            )}
          />
          <Controller
            control={control}
            name="priceIds"
            rules={{ validate: checkReferences }}
            render={({ field, fieldState }) => (
              <Field id="edit-offering-prices" label="Prices" error={fieldState.error?.message}>
                {(props) => <PricePicker {...props} ref={field.ref} value={field.value} onChange={field.onChange} />}
              </Field>
            )}
          />
          <Controller
            control={control}
            name="salesChannels"
            render={({ field, fieldState }) => (
              <Fieldset id="edit-offering-sales-channels" legend="Sales channels" error={fieldState.error?.message}>
                {channels.isPending ? (
                  <Spinner label="Loading sales channels" />
                ) : (
                  <div className="flex flex-wrap gap-x-6 gap-y-3">
                    {(channels.data ?? []).map((channel) => {
                      const id = `edit-offering-channel-${channel.value}`;
                      return (
                        <div key={channel.value} className="flex items-center gap-2">
                          <Checkbox
                            id={id}
                            checked={field.value.includes(channel.value)}
                            onCheckedChange={(next) =>
                              field.onChange(
                                next === true
                                  ? [...field.value, channel.value]
                                  : field.value.filter((value: string) => value !== channel.value),
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
        </>
      )}
    </EditDialog>
  );
}
