import { FileQuestion } from "lucide-react";
import Link from "next/link";

import { EmptyState } from "@/components/app/empty-state";
import { Button } from "@/components/ui/button";

export default function NotFound() {
  return (
    <div className="mx-auto mt-12 max-w-lg">
      <EmptyState icon={FileQuestion} title="There is no such page">
        <Button asChild variant="secondary" className="mt-2">
          <Link href="/">Go to the start page</Link>
        </Button>
      </EmptyState>
    </div>
  );
}
