import type { Diagnostic } from "../../../diagnostics/diagnostic.ts";
import { didYouMean } from "../../../util/did-you-mean.ts";
import { problem, type SpecRule } from "../rule.ts";
import { unknown } from "./references.ts";

type Path = (string | number)[];

/**
 * Vault mode (docs/design/0011): the vault and identity it names exist, spec.secrets keys mapped to the vault are
 * the secret's keys and all of them, a JSON field is only asked of a delivery that can pick it, and a server's admin
 * login or password is one berth keeps.
 */
export const azureVault: SpecRule = (spec) => {
  const p = spec.platform.spec;
  const azure = p.azure;
  const out: Diagnostic[] = [];
  const vaults = azure ? Object.keys(azure.keyVaults) : [];
  const mode = azure !== undefined && azure.secrets.store !== "cluster" && vaults.length > 0;
  if (azure) {
    const s = azure.secrets;
    const at = ["spec", "azure", "secrets"];
    if (s.store === "keyVault" && vaults.length === 0)
      out.push(problem(spec, [...at, "store"], "AZURE-NO-VAULT", "credentials are to be kept in a Key Vault, and spec.azure declares none", "declare one under spec.azure.keyVaults (existing: true for one you have), or set store: cluster"));
    if (s.keyVault !== undefined && !vaults.includes(s.keyVault)) out.push(unknown(spec, [...at, "keyVault"], "keyVaults", s.keyVault, vaults));
    else if (mode && s.keyVault === undefined && vaults.length > 1)
      out.push(problem(spec, at, "AZURE-NO-VAULT", `credentials are kept in one Key Vault, and several are declared (${vaults.join(", ")})`, `add keyVault: ${vaults[0]} (or store: cluster)`));
    const identities = Object.keys(azure.identities);
    if (s.identity !== undefined && !identities.includes(s.identity)) out.push(unknown(spec, [...at, "identity"], "identities", s.identity, identities));
  }
  for (const [name, secret] of Object.entries(p.secrets)) {
    if (!secret.keyVault) continue;
    const at: Path = ["spec", "secrets", name, "keyVault"];
    if (!mode) {
      out.push(problem(spec, at, "AZURE-NO-VAULT", `secret ${name} is kept in a Key Vault, and ${!azure ? "the spec has no spec.azure" : azure.secrets.store === "cluster" ? "spec.azure.secrets.store is cluster" : "spec.azure declares no vault"}`, "declare the vault under spec.azure.keyVaults (existing: true for one you have), or remove keyVault"));
      continue;
    }
    const mapped = Object.keys(secret.keyVault);
    for (const key of mapped)
      if (!secret.keys.includes(key)) out.push(problem(spec, [...at, key], "AZURE-VAULT-KEYS", `"${key}" is not a key of secret ${name}`, didYouMean(key, secret.keys) ?? `keys: ${secret.keys.join(", ")}`));
    const missing = secret.keys.filter((k) => !mapped.includes(k));
    if (missing.length)
      out.push(problem(spec, at, "AZURE-VAULT-KEYS", `secret ${name} is kept in the vault, and keyVault says nothing of ${missing.join(", ")}`, `map every key: ${missing.map((k) => `${k}: <vault secret name>`).join(", ")}`));
    for (const [key, source] of Object.entries(secret.keyVault)) {
      if (typeof source === "string") continue;
      if ("field" in source && azure!.secrets.delivery === "csi")
        out.push(problem(spec, [...at, key, "field"], "AZURE-CSI-FIELD", `the Secrets Store CSI driver's Azure provider hands over whole secret values; it cannot pick the field "${source.field}" out of a JSON value`, "set spec.azure.secrets.delivery: eso, or keep the field in a secret of its own"));
      if ("from" in source) {
        const [, family, logical] = source.from.split(".") as [string, "postgres" | "sql", string];
        const server = azure![family][logical];
        if (!server) out.push(unknown(spec, [...at, key, "from"], family, logical, Object.keys(azure![family])));
        else if (server.existing) out.push(problem(spec, [...at, key, "from"], "AZURE-VAULT-KEYS", `${family}.${logical} is existing: berth did not make its admin password and does not keep it`, "keep its credentials in vault secrets of your own and name them here"));
      }
    }
  }
  return out;
};
