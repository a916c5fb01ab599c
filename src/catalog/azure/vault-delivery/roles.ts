/**
 * The identity that reads a vault gets Key Vault Secrets User on exactly that vault — the least a reader needs
 * (secret values, no keys or certificates, no writes) on the least scope. Added once per identity and vault, and not
 * at all when the spec already declares that grant (spec.azure.identities.<id>.roles): the assignment's name is
 * derived from scope, role and principal, so the two would be the same grant twice.
 */
import type { Diagnostic } from "../../../diagnostics/diagnostic.ts";
import type { AzureDesired } from "../../../resources/azure-resource.ts";
import { outputToken } from "../../../resources/outputs.ts";
import type { AzureContext } from "../context.ts";
import { armOf } from "../ids.ts";
import { roleAssignment } from "../role-assignment.ts";
import { type DeliveryInput, problem, type VaultReader } from "./context.ts";

export const READER_ROLE = "Key Vault Secrets User";

export function vaultReaderRoles(input: DeliveryInput, readers: readonly VaultReader[]): { azure: AzureDesired[]; diagnostics: Diagnostic[] } {
  const { ctx } = input;
  const identities = new Map(
    Object.keys(ctx.azure.identities).map((logical) => [outputToken({ resource: armOf(ctx.azure, "identities", logical)!.key, output: "clientId" }), logical] as const),
  );
  const vaults = new Map(Object.keys(ctx.azure.keyVaults).map((logical) => [armOf(ctx.azure, "keyVaults", logical)!.key, logical] as const));
  const azure: AzureDesired[] = [];
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const reader of readers) {
    const pair = `${reader.clientId}|${reader.vaultKey}`;
    const vault = vaults.get(reader.vaultKey);
    if (seen.has(pair) || vault === undefined) continue;
    seen.add(pair);
    const scope = armOf(ctx.azure, "keyVaults", vault)!;
    const logical = identities.get(reader.clientId);
    if (logical === undefined) {
      // An identity of spec.identities is made outside berth: its principal id is not known here.
      diagnostics.push(
        problem(input, reader.origin, "AZURE-VAULT-ROLE", `the identity with client id ${reader.clientId} reads vault ${scope.name} and is made outside berth, so berth cannot grant it ${READER_ROLE}`, `az role assignment create --role "${READER_ROLE}" --assignee ${reader.clientId} --scope ${scope.id}`, "warning"),
      );
      continue;
    }
    if (declaresGrant(ctx, logical, vault)) continue;
    const place = armOf(ctx.azure, "identities", logical)!;
    azure.push(roleAssignment(ctx, { role: READER_ROLE, scope, principalId: outputToken({ resource: place.key, output: "principalId" }), origin: ["spec", "azure", "identities", logical], group: ["azure", "identities", logical] }));
  }
  return { azure, diagnostics };
}

const declaresGrant = (ctx: AzureContext, identity: string, vault: string): boolean =>
  ctx.azure.identities[identity]!.roles.some((r) => r.role === READER_ROLE && r.on.keyVault === vault);
