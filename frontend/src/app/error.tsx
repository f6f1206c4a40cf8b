"use client";

import { TriangleAlert } from "lucide-react";
import { useEffect } from "react";

import { EmptyState } from "@/components/app/empty-state";
import { Button } from "@/components/ui/button";

/** A page that threw while rendering: say so, keep the header, offer to try again. */
export default function PageError({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  useEffect(() => {
    console.error(error);
  }, [error]);

  return (
    <div className="mx-auto mt-12 max-w-lg">
      <EmptyState icon={TriangleAlert} title="Something went wrong on this page">
        <p>{error.message}</p>
        <Button variant="secondary" className="mt-3" onClick={reset}>
          Try again
        </Button>
      </EmptyState>
    </div>
  );
}
