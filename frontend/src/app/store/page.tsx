import type { Metadata } from "next";
import { Suspense } from "react";

import { PageHeader } from "@/components/app/page-header";
import { StoreSearch } from "@/components/store/store-search";
import { Loading } from "@/components/ui/spinner";

export const metadata: Metadata = { title: "Store" };

export default function StorePage() {
  return (
    <>
      <PageHeader title="Store" description="Search the published product offerings." />
      <Suspense fallback={<Loading />}>
        <StoreSearch />
      </Suspense>
    </>
  );
}
