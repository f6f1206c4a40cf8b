import type { Metadata } from "next";
import { Suspense } from "react";

import { StoreOfferingView } from "@/components/store/store-offering";
import { Loading } from "@/components/ui/spinner";

export const metadata: Metadata = { title: "Store" };

export default async function StoreOfferingPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <Suspense fallback={<Loading />}>
      <StoreOfferingView id={id} />
    </Suspense>
  );
}
