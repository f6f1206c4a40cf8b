"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

import { Loading } from "@/components/ui/spinner";
import { useAuth } from "@/lib/auth/auth-provider";
import { homeFor } from "@/lib/auth/redirects";

/** `/` is a door: admins go to the Builder, users to the Viewer, everyone else to the Store. */
export default function Home() {
  const { state } = useAuth();
  const router = useRouter();

  useEffect(() => {
    if (state.status === "authenticated") router.replace(homeFor(state.session.user.role));
    else if (state.status === "anonymous") router.replace("/store");
  }, [state, router]);

  return <Loading />;
}
