/**
 * One typed client per service, generated from its OpenAPI document (./generated), all on
 * the same origin: the edge serves the API under /api/v1 beside the UI, so URLs are relative
 * and there is no CORS.
 *
 * Every request carries the signed-in user's token; a 401 on any call other than the login
 * itself ends the session (the page guard then sends the user to /login?next=...).
 * `unwrap` turns openapi-fetch's `{data, error}` into data or a thrown `ApiError`, the shape
 * TanStack Query wants.
 */
import createClient, { type Client, type Middleware } from "openapi-fetch";

import { accessToken, endSession } from "@/lib/auth/session-store";

import type { paths as CharacteristicPaths } from "./generated/characteristic";
import type { paths as IdentityPaths } from "./generated/identity";
import type { paths as OfferingPaths } from "./generated/offering";
import type { paths as PricingPaths } from "./generated/pricing";
import type { paths as SpecificationPaths } from "./generated/specification";
import type { paths as StorePaths } from "./generated/store";
import { ApiError, networkError, toProblem } from "./problem";

const LOGIN_PATHS = new Set(["/api/v1/auth/login", "/api/v1/auth/token"]);

const authentication: Middleware = {
  onRequest({ request }) {
    const token = accessToken();
    if (token !== null && !request.headers.has("Authorization")) {
      request.headers.set("Authorization", `Bearer ${token}`);
    }
    return request;
  },
  onResponse({ response, schemaPath }) {
    if (response.status === 401 && !LOGIN_PATHS.has(schemaPath)) {
      endSession("unauthorized");
    }
    return response;
  },
};

function serviceClient<Paths extends object>(): Client<Paths> {
  const client = createClient<Paths>({ baseUrl: "", credentials: "omit" });
  client.use(authentication);
  return client;
}

export const api = {
  identity: serviceClient<IdentityPaths>(),
  characteristics: serviceClient<CharacteristicPaths>(),
  specifications: serviceClient<SpecificationPaths>(),
  prices: serviceClient<PricingPaths>(),
  offerings: serviceClient<OfferingPaths>(),
  store: serviceClient<StorePaths>(),
};

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * The data of a successful call, else throws an `ApiError` (also for a call that never got
 * an answer). Use it around every `api.*` call:
 * `unwrap(api.prices.GET("/api/v1/prices/{price_id}", {params: {path: {price_id}}}))`.
 */
export async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>;
  try {
    result = await call;
  } catch (cause) {
    throw networkError(cause);
  }
  if (!result.response.ok) {
    throw new ApiError(toProblem(result.error, result.response.status));
  }
  return result.data as T;
}

/** The `If-Match` header for an update of the version the user saw (412 when stale). */
export function ifMatch(resource: { version: number }): { "If-Match": string } {
  return { "If-Match": `"${resource.version}"` };
}
