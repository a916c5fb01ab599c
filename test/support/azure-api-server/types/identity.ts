/**
 * Microsoft.ManagedIdentity user-assigned identities (the service assigns client, principal and tenant ids; the
 * principal becomes known to role assignments after the replication delay) and their federated credentials: a write
 * answers at once but keeps settling for its latency, and another write on the same identity meanwhile is refused
 * (409 ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity).
 */
import { ArmError, badRequest } from "../errors.ts";
import { parentId } from "../ids.ts";
import type { TypeBehaviour } from "../world.ts";
import { guid, kept } from "./common.ts";

export const userAssignedIdentities: TypeBehaviour = {
  assign(ctx, res) {
    res.properties.tenantId = ctx.w.tenantId;
    res.properties.clientId = kept(ctx.prev, "properties.clientId", guid);
    res.properties.principalId = kept(ctx.prev, "properties.principalId", guid);
    if (!ctx.w.principals.has(res.properties.principalId)) ctx.w.principals.set(res.properties.principalId, ctx.w.clock.now());
  },
};

export const federatedIdentityCredentials: TypeBehaviour = {
  tracked: false,
  latencyMs: 2_000,
  lockKey: (ctx) => parentId(ctx.id)!.toLowerCase(),
  lockError: (ctx) =>
    new ArmError(
      409,
      "ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity",
      `Too many Federated Identity Credentials are written concurrently for the managed identity ${parentId(ctx.id)}. Concurrent Federated Identity Credentials writes under the same managed identity are not supported.`,
    ),
  validate(ctx) {
    const p = ctx.body.properties ?? {};
    if (typeof p.issuer !== "string" || !/^https:\/\//.test(p.issuer)) throw badRequest("BadRequest", "The issuer must be an https URL.");
    if (typeof p.subject !== "string" || !p.subject) throw badRequest("BadRequest", "The subject is required.");
    if (!Array.isArray(p.audiences) || p.audiences.length !== 1) throw badRequest("BadRequest", "Exactly one audience is required.");
    const dup = ctx.w.store
      .children(parentId(ctx.id)!, "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials")
      .find((f) => String(f.name).toLowerCase() !== ctx.name.toLowerCase() && f.properties?.issuer === p.issuer && f.properties?.subject === p.subject);
    if (dup) throw badRequest("BadRequest", `A federated identity credential with issuer '${p.issuer}' and subject '${p.subject}' already exists on this identity (${dup.name}).`);
  },
};
