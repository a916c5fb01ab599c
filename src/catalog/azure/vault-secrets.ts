/**
 * Vault mode (docs/design/0011): every credential of the platform is a secret of the environment's Key Vault. This
 * makes one Azure resource per vault secret — generated (made once by the provider), a server's admin login, or
 * provided by the user (existing: read in preflight, never written) — and the map from each Kubernetes Secret key to
 * its vault secret, which delivery (csi / eso) turns into objects.
 */
import type { AzureDesired } from "../../resources/azure-resource.ts";
import type { GeneratedSecret } from "../../resources/secrets.ts";
import { vaultSecretName, type VaultDelivery, type VaultRef } from "../../resources/vault-secrets.ts";
import type { ResolvedSpec } from "../../spec/resolve.ts";
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { formatPath } from "../../spec/path.ts";
import { childOf, make, type AzureContext } from "./context.ts";
import { armOf, type ArmPlace } from "./ids.ts";
import { adminSecretNames, generatedSecretName, namingVars } from "./vault-names.ts";

const SECRET_TYPE = "Microsoft.KeyVault/vaults/secrets";

/** The vault of vault mode, or undefined when credentials stay in the cluster (no vault, or store: cluster). */
export function deliveryVault(ctx: AzureContext): { logical: string; place: ArmPlace } | undefined {
  const s = ctx.azure.secrets;
  const vaults = Object.keys(ctx.azure.keyVaults);
  if (s.store === "cluster" || vaults.length === 0) return undefined;
  const logical = s.keyVault ?? (vaults.length === 1 ? vaults[0]! : undefined);
  const place = logical === undefined ? undefined : armOf(ctx.azure, "keyVaults", logical);
  // Several vaults and none named: a spec rule reports it (AZURE-NO-VAULT); synth makes nothing meanwhile.
  return place ? { logical: logical!, place } : undefined;
}

export interface VaultSynth {
  readonly delivery?: VaultDelivery;
  readonly resources: AzureDesired[];
  /** Two sources of one vault secret name (Key Vault compares names without case), or a name too long. */
  readonly diagnostics: Diagnostic[];
}

/** Key Vault's limit on secret names. */
const MAX_NAME = 127;

export function synthVaultSecrets(ctx: AzureContext, spec: ResolvedSpec, generated: readonly GeneratedSecret[]): VaultSynth {
  const vault = deliveryVault(ctx);
  if (!vault) return { resources: [], diagnostics: [] };
  const kv = ctx.azure.keyVaults[vault.logical]!;
  const softDelete = { onNameHeld: kv.onNameHeld, purgeOnRemove: false };
  const group = ["azure", "keyVaults", vault.logical];
  const byName = new Map<string, AzureDesired>();
  const diagnostics: Diagnostic[] = [];
  const report = (origin: readonly (string | number)[], message: string, hint: string) =>
    diagnostics.push({ severity: "error", code: "AZURE-SECRET-NAME", path: formatPath(origin), location: spec.locate.value(origin), message, hint });
  const add = (name: string, origin: readonly (string | number)[], source: NonNullable<AzureDesired["resource"]["vaultSecret"]>, existing = false) => {
    if (name.length > MAX_NAME) return report(origin, `the vault secret name "${name}" is ${name.length} characters long; Key Vault allows ${MAX_NAME}`, "shorten spec.azure.secrets.naming or the name given");
    const same = byName.get(name.toLowerCase());
    if (same) {
      // A provided JSON secret named by several keys is one secret; anything else is two values under one name.
      if (existing && same.resource.existing) return;
      return report(origin, `the vault secret "${name}" would hold two values: this one and the one of ${formatPath(same.origin)} (Key Vault compares names without case)`, "give one of them another name, or change spec.azure.secrets.naming");
    }
    const place = childOf(ctx, vault.place, SECRET_TYPE, name);
    const d = make(ctx, { place, origin, group, existing, needs: [vault.place.key], body: existing ? {} : { properties: { contentType: "fixed" in source ? "text/plain" : "password" } } });
    byName.set(name.toLowerCase(), { ...d, resource: { ...d.resource, vaultSecret: source, ...(existing ? {} : { softDelete }) } });
  };
  const ref = (secretName: string, field?: string): VaultRef => ({ vaultKey: vault.place.key, vault: vault.place.name, secretName, ...(field ? { field } : {}) });
  const backed = new Map<string, Map<string, VaultRef>>();
  const back = (secret: string, key: string, r: VaultRef) => {
    if (!backed.has(secret)) backed.set(secret, new Map());
    backed.get(secret)!.set(key, r);
  };

  for (const s of generated)
    for (const key of s.keys) {
      const name = generatedSecretName(ctx, s.name, key);
      add(name, s.origin, { generate: { length: s.length, format: s.formats?.[key] ?? "alnum" } });
      back(s.name, key, ref(name));
    }
  for (const family of ["postgres", "sql"] as const)
    for (const [logical, server] of Object.entries(ctx.azure[family])) {
      if (server.existing) continue;
      add(adminSecretNames(ctx, family, logical).login, ["spec", "azure", family, logical, "adminLogin"], { fixed: server.adminLogin });
    }
  for (const [secret, declared] of Object.entries(spec.platform.spec.secrets)) {
    for (const [key, source] of Object.entries(declared.keyVault ?? {})) {
      const at = ["spec", "secrets", secret, "keyVault", key];
      if (typeof source === "object" && "from" in source) {
        const [, family, logical] = source.from.split(".") as [string, "postgres" | "sql", string];
        const names = adminSecretNames(ctx, family, logical);
        back(secret, key, ref(source.value === "adminLogin" ? names.login : names.password));
        continue;
      }
      const name = vaultSecretName(typeof source === "string" ? source : source.secret, namingVars(ctx));
      const field = typeof source === "string" ? undefined : source.field;
      add(name, at, { provided: {} }, true);
      back(secret, key, ref(name, field));
    }
  }
  // Fields of one provided JSON secret asked for by several keys: the preflight check names them all.
  const resources = [...byName.values()].map((r) => {
    const v = r.resource.vaultSecret;
    if (!v || !("provided" in v)) return r;
    const fields = [...new Set([...backed.values()].flatMap((m) => [...m.values()]).filter((x) => x.secretName.toLowerCase() === r.resource.name.split("/")[1]!.toLowerCase() && x.field).map((x) => x.field!))].sort();
    return fields.length ? { ...r, resource: { ...r.resource, vaultSecret: { provided: { fields } } } } : { ...r, resource: { ...r.resource, vaultSecret: { provided: {} } } };
  });
  const s = ctx.azure.secrets;
  const identities = Object.keys(ctx.azure.identities);
  return {
    resources,
    diagnostics,
    delivery: {
      vault: { logical: vault.logical, key: vault.place.key, name: vault.place.name },
      delivery: s.delivery,
      installDriver: s.installDriver,
      ...((s.identity ?? (identities.length === 1 ? identities[0] : undefined)) ? { identity: s.identity ?? identities[0]! } : {}),
      backed,
    },
  };
}
