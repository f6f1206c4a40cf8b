"use client";

import { LogIn } from "lucide-react";
import { useRouter, useSearchParams } from "next/navigation";
import { useEffect } from "react";
import { useForm } from "react-hook-form";

import { ApiError, describeError } from "@/api/problem";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardDescription, CardHeader } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { useAuth } from "@/lib/auth/auth-provider";
import { homeFor, safeNext } from "@/lib/auth/redirects";
import type { EndReason } from "@/lib/auth/session-store";

interface Credentials {
  username: string;
  password: string;
}

const REASONS: Record<EndReason, { tone: "info" | "warning"; text: string }> = {
  expired: { tone: "warning", text: "Your session has expired. Sign in again to continue." },
  unauthorized: { tone: "warning", text: "Your session is no longer valid. Sign in again to continue." },
  "signed-out": { tone: "info", text: "You have signed out." },
};

function reasonFrom(value: string | null): EndReason | null {
  return value !== null && value in REASONS ? (value as EndReason) : null;
}

function loginFailure(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 401) return "The username or password is not right.";
    if (error.status === 429) return `Too many attempts. ${error.message}`;
  }
  return describeError(error);
}

export function LoginForm() {
  const { state, login } = useAuth();
  const router = useRouter();
  const params = useSearchParams();
  const next = safeNext(params.get("next"));
  const reason = reasonFrom(params.get("reason"));
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<Credentials>({ defaultValues: { username: "", password: "" } });

  // Someone already signed in (another tab, or the back button) does not need this page.
  useEffect(() => {
    if (state.status === "authenticated") {
      router.replace(next ?? homeFor(state.session.user.role));
    }
  }, [state, next, router]);

  const onSubmit = handleSubmit(async ({ username, password }) => {
    try {
      await login(username.trim(), password);
    } catch (error) {
      setError("root.server", { type: "server", message: loginFailure(error) });
    }
  });

  return (
    <Card>
      <CardHeader>
        <h1 className="text-xl font-semibold">Sign in</h1>
        <CardDescription>Sign in to build and browse the product catalog.</CardDescription>
      </CardHeader>
      <CardBody>
        <form onSubmit={onSubmit} noValidate className="grid gap-4">
          {reason && !errors.root?.server ? (
            <Alert tone={REASONS[reason].tone}>{REASONS[reason].text}</Alert>
          ) : null}
          {errors.root?.server?.message ? (
            <Alert tone="danger" title="Could not sign in">
              {errors.root.server.message}
            </Alert>
          ) : null}
          <Field id="username" label="Username" required error={errors.username?.message}>
            {(control) => (
              <Input
                {...control}
                autoComplete="username"
                autoFocus
                {...register("username", {
                  validate: (value) => (value.trim() ? true : "is required"),
                  maxLength: { value: 64, message: "must be at most 64 characters" },
                })}
              />
            )}
          </Field>
          <Field id="password" label="Password" required error={errors.password?.message}>
            {(control) => (
              <Input
                {...control}
                type="password"
                autoComplete="current-password"
                {...register("password", {
                  required: "is required",
                  maxLength: { value: 200, message: "must be at most 200 characters" },
                })}
              />
            )}
          </Field>
          <Button type="submit" busy={isSubmitting} className="mt-2 w-full">
            {isSubmitting ? null : <LogIn aria-hidden />}
            Sign in
          </Button>
        </form>
      </CardBody>
    </Card>
  );
}
