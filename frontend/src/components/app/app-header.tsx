"use client";

import { Blocks, LayoutList, LogOut, Store, UserRound } from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";

import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { useAuth } from "@/lib/auth/auth-provider";
import { loginHref } from "@/lib/auth/redirects";
import type { Role } from "@/lib/auth/session-store";
import { cn } from "@/lib/utils";

interface NavItem {
  href: string;
  label: string;
  icon: typeof Blocks;
  /** Who sees the link: a role, "signed-in" (any role) or "everyone". */
  audience: Role | "signed-in" | "everyone";
}

export const NAV_ITEMS: readonly NavItem[] = [
  { href: "/builder", label: "Builder", icon: Blocks, audience: "ADMIN" },
  { href: "/viewer", label: "Viewer", icon: LayoutList, audience: "signed-in" },
  { href: "/store", label: "Store", icon: Store, audience: "everyone" },
];

export function visibleNavItems(role: Role | null): NavItem[] {
  return NAV_ITEMS.filter(
    (item) =>
      item.audience === "everyone" ||
      (role !== null && (item.audience === "signed-in" || item.audience === role)),
  );
}

export function AppHeader() {
  const { state, session, logout } = useAuth();
  const pathname = usePathname();
  const role = session?.user.role ?? null;

  return (
    <header className="sticky top-0 z-40 border-b border-border bg-surface/95 backdrop-blur">
      <div className="mx-auto flex w-full max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3 sm:px-6">
        <Link
          href="/"
          className="flex items-center gap-2 rounded-md font-semibold tracking-tight focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
        >
          <span aria-hidden className="grid size-7 place-items-center rounded-md bg-primary text-primary-foreground">
            C
          </span>
          Catalog
        </Link>
        <nav aria-label="Main" className="order-3 w-full sm:order-none sm:w-auto">
          <ul className="flex gap-1 overflow-x-auto">
            {visibleNavItems(role).map(({ href, label, icon: Icon }) => {
              const active = pathname === href || pathname.startsWith(`${href}/`);
              return (
                <li key={href}>
                  <Link
                    href={href}
                    aria-current={active ? "page" : undefined}
                    className={cn(
                      "flex items-center gap-2 rounded-md px-3 py-2 text-sm font-medium text-muted-foreground transition-colors hover:bg-muted hover:text-foreground focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring",
                      active && "bg-muted text-foreground",
                    )}
                  >
                    <Icon aria-hidden className="size-4" />
                    {label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <div className="ml-auto flex items-center gap-3">
          {state.status === "authenticated" && session ? (
            <>
              <span className="flex items-center gap-2 text-sm" data-testid="current-user">
                <UserRound aria-hidden className="size-4 text-muted-foreground" />
                <span className="font-medium">{session.user.username}</span>
                <Badge tone={session.user.role === "ADMIN" ? "info" : "neutral"}>
                  {session.user.role}
                </Badge>
              </span>
              <Button variant="ghost" size="sm" onClick={logout}>
                <LogOut aria-hidden />
                Sign out
              </Button>
            </>
          ) : state.status === "anonymous" && pathname !== "/login" ? (
            <Button asChild size="sm" variant="secondary">
              <Link href={loginHref(pathname)}>Sign in</Link>
            </Button>
          ) : null}
        </div>
      </div>
    </header>
  );
}
