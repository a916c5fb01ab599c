/**
 * Preflight for Key Vault secrets, by reading only: a secret the user provides must be set (blocking, naming the
 * command that sets it — unless its vault is created by this very run, see docs/design/0011), and a secret berth is
 * about to write (a generated or fixed vault secret, a new server's admin password and its JSON copy) must not have its name held by
 * a deleted secret that the vault's policy does not let berth recover or purge — so `fail` stops before any change.
 * Reads go through ARM (metadata) and, for deleted secrets, the Key Vault data plane; never a value.
 */
import type { PlanStep } from "../../plan/step.ts";
import type { AzureResource } from "../../resources/azure-resource.ts";
import { AZURE_TYPES } from "../../resources/azure-types.ts";
import type { ArmClient } from "./arm-client.ts";
import { deletedSecretHolding, describeSecretNameHeld, NAME_HELD_FIX, policyOfSecret, purgeable, vaultUriOf } from "./secret-soft-delete.ts";
import type { KeyVaultDataPlane } from "./vault-data-plane.ts";
import { generatedSecretPlaces, madeOnce, isProvided, providedSecretMissing, type SecretPlace, secretPlace } from "./vault-secrets.ts";

const SECRETS = "Microsoft.KeyVault/vaults/secrets";

export interface VaultSecretProblem {
  readonly code: "VaultSecretMissing" | "VaultSecretNameHeld";
  readonly step: string;
  readonly message: string;
  readonly fix?: string;
  readonly blocking: boolean;
}

type Guard = (step: string, what: string, work: () => Promise<void>) => Promise<void>;

export async function vaultSecretChecks(client: ArmClient, data: KeyVaultDataPlane, ensured: readonly { step: PlanStep; resource: AzureResource }[], guard: Guard): Promise<VaultSecretProblem[]> {
  const problems: VaultSecretProblem[] = [];
  const secretExists = async (place: SecretPlace) => (await client.get(place.id, AZURE_TYPES[SECRETS]!.apiVersion, `GET ${SECRETS} ${place.vault}/${place.name}`)) !== undefined;
  // Vaults the plan creates: a secret in one cannot be set (or be held) before the run.
  const created = new Set(ensured.filter((x) => x.resource.type === "Microsoft.KeyVault/vaults" && !x.resource.existing).map((x) => x.resource.id.toLowerCase()));

  const provided = ensured.filter((x) => isProvided(x.resource));
  const generated = [
    ...ensured.filter((x) => madeOnce(x.resource)).map(({ step, resource }) => ({ step, place: secretPlace(resource.id), softDelete: resource.softDelete, parent: undefined as AzureResource | undefined })),
    ...ensured
      .filter((x) => x.resource.generatedSecrets && !x.resource.existing)
      .flatMap(({ step, resource }) => generatedSecretPlaces(client.subscriptionPath, resource).map((g) => ({ step, place: g.place, softDelete: g.softDelete, parent: resource }))),
  ];

  await Promise.all([
    ...provided.map(({ step, resource }) =>
      guard(step.id, `secret ${resource.name}`, async () => {
        const place = secretPlace(resource.id);
        if (await secretExists(place)) return;
        const vaultThere = (await vaultUriOf(client, place)) !== undefined;
        const state = vaultThere ? "exists" : created.has(place.vaultId.toLowerCase()) ? "created by this run" : "missing";
        const { message, fix } = providedSecretMissing(resource, state);
        // Blocking would stop the very run that creates the vault: that one goes on and stops at the secret.
        problems.push({ code: "VaultSecretMissing", step: step.id, message, fix, blocking: state !== "created by this run" });
      }),
    ),
    ...generated.map(({ step, place, softDelete, parent }) =>
      guard(step.id, `whether a deleted secret holds ${place.name}`, async () => {
        // An admin password is written only when its server is created.
        if (parent && (await client.get(parent.id, parent.apiVersion, `GET ${parent.type} ${parent.name}`))) return;
        if (await secretExists(place)) return;
        const vaultUri = await vaultUriOf(client, place);
        if (!vaultUri) return; // created by this run (or recovered with it): the write itself deals with a held name
        const deleted = await deletedSecretHolding(data, vaultUri, place);
        if (!deleted) return;
        const policy = policyOfSecret(softDelete);
        const held = describeSecretNameHeld(place, deleted);
        if (policy === "fail") problems.push({ code: "VaultSecretNameHeld", step: step.id, message: held, fix: NAME_HELD_FIX.any, blocking: true });
        else if (policy === "purge" && !purgeable(deleted)) problems.push({ code: "VaultSecretNameHeld", step: step.id, message: held, fix: NAME_HELD_FIX.protected, blocking: true });
        else problems.push({ code: "VaultSecretNameHeld", step: step.id, message: `${held}: berth will ${policy} it${policy === "recover" && !parent ? " (it keeps its value)" : ""}`, blocking: false });
      }),
    ),
  ]);
  return problems;
}
