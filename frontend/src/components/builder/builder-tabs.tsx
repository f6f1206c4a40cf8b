"use client";

import { Boxes, FileText, Gauge, Tag } from "lucide-react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import type { ReactNode } from "react";

import { PriceLockBadge } from "@/components/catalog/status-badges";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { characteristics, describeCharacteristic } from "@/lib/catalog/characteristics";
import { formatPrice, prices } from "@/lib/catalog/prices";
import { specifications } from "@/lib/catalog/specifications";

import { CharacteristicForm } from "./characteristic-form";
import { OfferingBuilder } from "./offering-builder";
import { PriceForm } from "./price-form";
import { RecentList } from "./recent-list";
import { SpecificationForm } from "./specification-form";

export const BUILDER_TABS = [
  { value: "characteristic", label: "Characteristic", icon: Gauge },
  { value: "specification", label: "Specification", icon: FileText },
  { value: "price", label: "Price", icon: Tag },
  { value: "offering", label: "Offering", icon: Boxes },
] as const;

export type BuilderTab = (typeof BUILDER_TABS)[number]["value"];

function tabFrom(value: string | null): BuilderTab {
  return BUILDER_TABS.find((tab) => tab.value === value)?.value ?? "characteristic";
}

/** The four builders; the open tab lives in the URL (?tab=price), so a reload keeps it. */
export function BuilderTabs() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const tab = tabFrom(params.get("tab"));

  function select(next: string) {
    const query = new URLSearchParams(params.toString());
    query.set("tab", next);
    router.replace(`${pathname}?${query.toString()}`, { scroll: false });
  }

  return (
    <Tabs value={tab} onValueChange={select}>
      <TabsList aria-label="What to build">
        {BUILDER_TABS.map(({ value, label, icon: Icon }) => (
          <TabsTrigger key={value} value={value}>
            <Icon aria-hidden />
            {label}
          </TabsTrigger>
        ))}
      </TabsList>
      <TabsContent value="characteristic">
        <TwoColumns>
          <CharacteristicForm />
          <RecentList
            id="recent-characteristics"
            title="Recent characteristics"
            resource={characteristics}
            emptyText="No characteristics yet."
            row={(item) => ({ title: item.name, detail: describeCharacteristic(item) })}
          />
        </TwoColumns>
      </TabsContent>
      <TabsContent value="specification">
        <TwoColumns>
          <SpecificationForm />
          <RecentList
            id="recent-specifications"
            title="Recent specifications"
            resource={specifications}
            emptyText="No specifications yet."
            row={(item) => ({
              title: item.name,
              detail: `${item.characteristicIds.length} characteristic(s)`,
            })}
          />
        </TwoColumns>
      </TabsContent>
      <TabsContent value="price">
        <TwoColumns>
          <PriceForm />
          <RecentList
            id="recent-prices"
            title="Recent prices"
            resource={prices}
            emptyText="No prices yet."
            row={(item) => ({
              title: item.name,
              detail: formatPrice(item),
              aside: item.locked ? <PriceLockBadge /> : undefined,
            })}
          />
        </TwoColumns>
      </TabsContent>
      <TabsContent value="offering">
        <OfferingBuilder />
      </TabsContent>
    </Tabs>
  );
}

function TwoColumns({ children }: { children: ReactNode }) {
  return <div className="grid gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">{children}</div>;
}
