import { api, ifMatch, unwrap } from "@/api/client";
import type { operations } from "@/api/generated/specification";

import { defineResource } from "./resource";
import type { Specification, SpecificationWrite } from "./types";

export type SpecificationQuery = NonNullable<
  operations["specifications-list_specifications"]["parameters"]["query"]
>;

const PATH = "/api/v1/specifications";
const ITEM = "/api/v1/specifications/{specification_id}";

export const specifications = defineResource<
  Specification,
  SpecificationQuery,
  SpecificationWrite
>({
  name: "specifications",
  list: (query) => unwrap(api.specifications.GET(PATH, { params: { query } })),
  get: (id) =>
    unwrap(api.specifications.GET(ITEM, { params: { path: { specification_id: id } } })),
  create: (body) => unwrap(api.specifications.POST(PATH, { body })),
  replace: (current, body) =>
    unwrap(
      api.specifications.PUT(ITEM, {
        params: { path: { specification_id: current.id }, header: ifMatch(current) },
        body,
      }),
    ),
  remove: (current) =>
    unwrap(
      api.specifications.DELETE(ITEM, {
        params: { path: { specification_id: current.id }, header: ifMatch(current) },
      }),
    ).then(() => undefined),
});
