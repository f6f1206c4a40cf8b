"use client";

/**
 * Guards a page: signed-out visitors go to /login?next=<this page>, and a user without the
 * role sees why instead of the page. The API enforces the same; this only spares a round
 * trip and a confusing screen.
 */
import { ShieldAlert } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, type ReactNode } from "react";

import { Button } from "@/components/ui/button";
import { Loading } from "@/components/ui/spinner";

import { useAuth } from "./auth-provider";
import { homeFor, loginHref } from "./redirects";
import type { Role } from "./session-store";

export function RequireAuth({ role, children }: { role?: Role; children: ReactNode }) {
  const { state } = useAuth();
  const router = useRouter();

  useEffect(() => {
    if (state.status !== "anonymous") return;
    // Signing out on purpose is not an interruption: nothing to come back to.
    const here =
      state.endedBecause === "signed-out"
        ? null
        : `${window.location.pathname}${window.location.search}`;
    router.replace(loginHref(here, state.endedBecause));
  }, [state, router]);

  if (state.status === "loading") return <Loading />;
  if (state.status === "anonymous") return <Loading label="Redirecting to sign in…" />;
  const userRole = state.session.user.role;
  if (role && userRole !== role) {
    return <Forbidden required={role} home={homeFor(userRole)} />;
  }
  return <>{children}</>;
}

function Forbidden({ required, home }: { required: Role; home: string }) {
  return (
    <div className="mx-auto mt-12 grid max-w-md justify-items-center gap-3 text-center">
      <ShieldAlert aria-hidden className="size-10 text-warning" />
      <h1 className="text-xl font-semibold">This page is for {required.toLowerCase()}s</h1>
      <p className="text-muted-foreground">
        Your account can browse the catalog but not change it. Ask an administrator if you need
        to.
      </p>
      <Button asChild variant="secondary">
        <Link href={home}>Go to the {home.slice(1)}</Link>
      </Button>
    </div>
  );
}
