"use client";

import { Suspense } from "react";

import { PageHeader } from "@/components/app/page-header";
import { BuilderTabs } from "@/components/builder/builder-tabs";
import { Loading } from "@/components/ui/spinner";
import { RequireAuth } from "@/lib/auth/require-auth";

export default function BuilderPage() {
  return (
    <RequireAuth role="ADMIN">
      <PageHeader
        title="Builder"
        description="Define characteristics, group them into specifications, set prices, and compose and publish offerings."
      />
      <Suspense fallback={<Loading />}>
        <BuilderTabs />
      </Suspense>
    </RequireAuth>
  );
}
