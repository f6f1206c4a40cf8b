"use client";

import { LayoutList } from "lucide-react";

import { EmptyState } from "@/components/app/empty-state";
import { PageHeader } from "@/components/app/page-header";
import { RequireAuth } from "@/lib/auth/require-auth";

export default function ViewerPage() {
  return (
    <RequireAuth>
      <PageHeader
        title="Viewer"
        description="Browse characteristics, specifications, prices and offerings."
      />
      <EmptyState icon={LayoutList} title="The viewer is not available yet">
        Lists with filters, paging, editing and deleting will appear here.
      </EmptyState>
    </RequireAuth>
  );
}
