import type { Metadata } from "next";
import { Suspense } from "react";

import { Loading } from "@/components/ui/spinner";

import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Sign in" };

export default function LoginPage() {
  return (
    <div className="mx-auto mt-6 w-full max-w-sm sm:mt-16">
      <Suspense fallback={<Loading />}>
        <LoginForm />
      </Suspense>
    </div>
  );
}
