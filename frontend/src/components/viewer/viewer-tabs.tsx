"use client";

import { Boxes, FileText, Gauge, Tag } from "lucide-react";
import { useCallback, useState } from "react";

import { LifecycleBadge, PriceLockBadge } from "@/components/catalog/status-badges";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { useUrlState } from "@/hooks/use-url-state";
import { useAuth } from "@/lib/auth/auth-provider";
import { characteristics, describeCharacteristic } from "@/lib/catalog/characteristics";
import { describeOfferingContents, offerings } from "@/lib/catalog/offerings";
import { formatPrice, prices } from "@/lib/catalog/prices";
import { specifications } from "@/lib/catalog/specifications";
import type { Characteristic, Offering, Price, Specification } from "@/lib/catalog/types";
import { formatDate } from "@/lib/store/search-state";
import {
  nextViewerState,
  parseViewerState,
  viewerSearch,
  VIEWER_TABS,
  type ViewerState,
  type ViewerTab,
} from "@/lib/viewer/list-state";

import type { Column } from "./data-table";
import {
  EditCharacteristicDialog,
  EditOfferingDialog,
  EditPriceDialog,
  EditSpecificationDialog,
} from "./edit-forms";
import { OfferingActions } from "./offering-actions";
import { OfferingDetailsDialog } from "./offering-details";
import { ResourcePanel } from "./resource-panel";

const TAB_META: Record<ViewerTab, { label: string; icon: typeof Gauge }> = {
  characteristics: { label: "Characteristics", icon: Gauge },
  specifications: { label: "Specifications", icon: FileText },
  prices: { label: "Prices", icon: Tag },
  offerings: { label: "Offerings", icon: Boxes },
};

const updated = <T extends { updatedAt: string }>(): Column<T> => ({
  key: "updatedAt",
  header: "Updated",
  sort: "updatedAt",
  cell: (item) => <time dateTime={item.updatedAt}>{formatDate(item.updatedAt)}</time>,
  className: "whitespace-nowrap text-muted-foreground",
});

const created = <T extends { createdAt: string }>(): Column<T> => ({
  key: "createdAt",
  header: "Created",
  sort: "createdAt",
  cell: (item) => <time dateTime={item.createdAt}>{formatDate(item.createdAt)}</time>,
  className: "whitespace-nowrap text-muted-foreground",
});

const CHARACTERISTIC_COLUMNS: Column<Characteristic>[] = [
  { key: "name", header: "Name", sort: "name", cell: (item) => item.name },
  { key: "value", header: "Value", sort: "value", cell: (item) => describeCharacteristic(item) },
  created(),
  updated(),
];

const SPECIFICATION_COLUMNS: Column<Specification>[] = [
  { key: "name", header: "Name", sort: "name", cell: (item) => item.name },
  {
    key: "description",
    header: "Description",
    cell: (item) => <span className="line-clamp-2 text-muted-foreground">{item.description}</span>,
  },
  {
    key: "characteristics",
    header: "Characteristics",
    cell: (item) => item.characteristicIds.length,
    className: "tabular-nums",
  },
  created(),
  updated(),
];

const PRICE_COLUMNS: Column<Price>[] = [
  {
    key: "name",
    header: "Name",
    sort: "name",
    cell: (item) => (
      <span className="inline-flex flex-wrap items-center gap-2">
        {item.name}
        {item.locked ? <PriceLockBadge /> : null}
      </span>
    ),
  },
  { key: "value", header: "Amount", sort: "value", cell: (item) => formatPrice(item), className: "whitespace-nowrap" },
  created(),
];

const OFFERING_COLUMNS: Column<Offering>[] = [
  { key: "name", header: "Name", sort: "name", cell: (item) => item.name },
  {
    key: "status",
    header: "Status",
    cell: (item) => (
      <span className="grid gap-1">
        <LifecycleBadge status={item.lifecycleStatus} />
        {item.lifecycleStatus === "DRAFT" && item.publicationFailureReason ? (
          <span className="text-xs text-danger">{item.publicationFailureReason}</span>
        ) : null}
      </span>
    ),
  },
  {
    key: "contents",
    header: "Contents",
    cell: (item) =>
      describeOfferingContents(item),
    className: "whitespace-nowrap text-muted-foreground",
  },
  {
    key: "publishedAt",
    header: "Published",
    sort: "publishedAt",
    cell: (item) => formatDate(item.publishedAt) || "—",
    className: "whitespace-nowrap text-muted-foreground",
  },
  updated(),
];

/** The Viewer's four lists; the tab, page, filter and sort live in the URL. */
export function ViewerTabs() {
  const [state, navigate] = useUrlState(parseViewerState, viewerSearch);
  const { isAdmin } = useAuth();
  const change = useCallback(
    (patch: Partial<ViewerState>) => navigate((current) => nextViewerState(current, patch)),
    [navigate],
  );

  const [editCharacteristic, setEditCharacteristic] = useState<Characteristic | null>(null);
  const [editSpecification, setEditSpecification] = useState<Specification | null>(null);
  const [editPrice, setEditPrice] = useState<Price | null>(null);
  const [editOffering, setEditOffering] = useState<Offering | null>(null);
  const [details, setDetails] = useState<Offering | null>(null);

  const common = { state, change, canWrite: isAdmin };

  return (
    <Tabs value={state.tab} onValueChange={(tab) => change({ tab: tab as ViewerTab })}>
      <TabsList aria-label="What to view">
        {VIEWER_TABS.map((value) => {
          const { label, icon: Icon } = TAB_META[value];
          return (
            <TabsTrigger key={value} value={value}>
              <Icon aria-hidden />
              {label}
            </TabsTrigger>
          );
        })}
      </TabsList>
      <TabsContent value="characteristics">
        <ResourcePanel
          {...common}
          resource={characteristics}
          noun="characteristic"
          plural="characteristics"
          columns={CHARACTERISTIC_COLUMNS}
          onEdit={setEditCharacteristic}
        />
      </TabsContent>
      <TabsContent value="specifications">
        <ResourcePanel
          {...common}
          resource={specifications}
          noun="specification"
          plural="specifications"
          columns={SPECIFICATION_COLUMNS}
          onEdit={setEditSpecification}
        />
      </TabsContent>
      <TabsContent value="prices">
        <ResourcePanel
          {...common}
          resource={prices}
          noun="price"
          plural="prices"
          columns={PRICE_COLUMNS}
          onEdit={setEditPrice}
        />
      </TabsContent>
      <TabsContent value="offerings">
        <ResourcePanel
          {...common}
          resource={offerings}
          noun="offering"
          plural="offerings"
          columns={OFFERING_COLUMNS}
          onEdit={setEditOffering}
          writable={(item) => item.lifecycleStatus === "DRAFT"}
          moreActions={(item) => (
            <OfferingActions offering={item} canWrite={isAdmin} onDetails={setDetails} />
          )}
        />
      </TabsContent>

      {isAdmin ? (
        <>
          <EditCharacteristicDialog item={editCharacteristic} onClose={() => setEditCharacteristic(null)} />
          <EditSpecificationDialog item={editSpecification} onClose={() => setEditSpecification(null)} />
          <EditPriceDialog item={editPrice} onClose={() => setEditPrice(null)} />
          <EditOfferingDialog item={editOffering} onClose={() => setEditOffering(null)} />
        </>
      ) : null}
      <OfferingDetailsDialog item={details} onClose={() => setDetails(null)} />
    </Tabs>
  );
}
