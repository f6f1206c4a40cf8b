import { Store } from "lucide-react";
import type { Metadata } from "next";

import { EmptyState } from "@/components/app/empty-state";
import { PageHeader } from "@/components/app/page-header";

export const metadata: Metadata = { title: "Store" };

export default function StorePage() {
  return (
    <>
      <PageHeader title="Store" description="Search the published product offerings." />
      <EmptyState icon={Store} title="The store is not available yet">
        Full-text search with filters and facets will appear here.
      </EmptyState>
    </>
  );
}
