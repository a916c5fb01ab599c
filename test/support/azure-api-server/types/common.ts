/** Helpers the type behaviours share: ids of referenced resources, deterministic-looking generated values. */
import { createHash, randomUUID } from "node:crypto";
import { ArmError, badRequest } from "../errors.ts";
import { lowerId } from "../ids.ts";
import type { Json } from "../types.ts";
import type { World, WriteContext } from "../world.ts";

export const guid = (): string => randomUUID();

/** A short stable hash (ARM-assigned hostnames carry one). */
export const shortHash = (s: string, n = 8): string => createHash("sha256").update(s.toLowerCase()).digest("hex").slice(0, n);

/** The referenced resource, or 400 InvalidResourceReference as the Network RP answers a dangling reference. */
export function referenced(ctx: WriteContext, refId: unknown, what: string): Json {
  if (typeof refId !== "string" || refId === "") throw badRequest("InvalidRequestFormat", `Cannot parse the request: ${what} is required.`);
  const res = ctx.w.store.get(refId);
  if (!res) throw badRequest("InvalidResourceReference", `Resource ${refId} referenced by resource ${ctx.id} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`);
  return res;
}

export const anotherOperation = (ctx: WriteContext, holder: string): ArmError =>
  new ArmError(409, "AnotherOperationInProgress", `Another operation on this or dependent resource is in progress. To retrieve status of the operation use uri: ${ctx.w.base()}${holder}. For more details, please refer to https://aka.ms/armOperationInProgress`);

/** Keeps server-assigned values across updates: `prev`'s value when it has one, otherwise `make()`. */
export const kept = <T>(prev: Json | undefined, path: string, make: () => T): T => {
  let cur: unknown = prev;
  for (const k of path.split(".")) cur = cur && typeof cur === "object" ? (cur as Json)[k] : undefined;
  return cur === undefined ? make() : (cur as T);
};

/** Resources whose body refers to `id` somewhere (a subnet in use by a private endpoint or an AKS node pool). */
export function referencedBy(w: World, id: string): Json[] {
  const needle = lowerId(id);
  return w.store.all().filter((r) => lowerId(String(r.id)) !== needle && !lowerId(String(r.id)).startsWith(needle + "/") && JSON.stringify(r.properties ?? {}).toLowerCase().includes(`"${needle}"`));
}
