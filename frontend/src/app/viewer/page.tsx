"use client";

import { Suspense } from "react";

import { PageHeader } from "@/components/app/page-header";
import { Loading } from "@/components/ui/spinner";
import { ViewerTabs } from "@/components/viewer/viewer-tabs";
import { RequireAuth } from "@/lib/auth/require-auth";

export default function ViewerPage() {
  return (
    <RequireAuth>
      <PageHeader
        title="Viewer"
        description="Browse characteristics, specifications, prices and offerings; admins edit, publish, retire and delete them."
      />
      <Suspense fallback={<Loading />}>
        <ViewerTabs />
      </Suspense>
    </RequireAuth>
  );
}
