/**
 * Azure's planning data for the plan builder and the deploy commands: pure (no client, no SDK), so `build` and
 * `plan` load none of the Azure SDK. Per-type facts come from the type table (types.ts); order comes from what a
 * resource's body refers to — an ARM id of another resource of the plan (a subnet, a vault, a server) is a need, as
 * is its parent and its resource group — so AKS, PostgreSQL, SQL and the vault wait only for what they use.
 */
import { type Ordered, type OrderingRule } from "../../plan/ordering.ts";
import type { ObjectRef, StepAction } from "../../plan/step.ts";
import type { AzureResource } from "../../resources/azure-resource.ts";
import type { DesiredResource } from "../../resources/desired.ts";
import { keyOfId, SUBSCRIPTION_SCOPE } from "../../resources/identity.ts";
import type { ProviderPlanning } from "../planning.ts";
import type { OwnedObject } from "../provider.ts";
import { azureTypeRow } from "./types.ts";
import { BUILT_IN_ROLES } from "../../resources/azure-roles.ts";

const RESOURCE_GROUPS = "Microsoft.Resources/resourceGroups";
const PROVIDER_REGISTRATION = "Microsoft.Resources/providers";

/**
 * The key of the resource an ARM id names, or undefined when it is not one berth could plan (a role definition, a
 * subscription). Ids of children name the whole chain: `…/providers/NS/t1/n1/t2/n2` → type `NS/t1/t2`, name `n1/n2`.
 */
export function keyOfArmId(id: string): string | undefined {
  const rg = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)(?:\/providers\/([^/]+)\/(.+))?$/i.exec(id.replace(/\/+$/, ""));
  if (!rg) return undefined;
  const group = rg[1]!;
  if (!rg[2]) return keyOfId({ provider: "azure", type: RESOURCE_GROUPS, scope: SUBSCRIPTION_SCOPE, name: group });
  const parts = rg[3]!.split("/");
  // An extension resource below another (`…/vaults/kv/providers/Microsoft.Authorization/roleAssignments/g`) is keyed by its own type.
  if (parts.includes("providers")) return undefined;
  if (parts.length % 2) return undefined;
  const types = parts.filter((_, i) => i % 2 === 0);
  const names = parts.filter((_, i) => i % 2 === 1);
  return keyOfId({ provider: "azure", type: `${rg[2]}/${types.join("/")}`, scope: group, name: names.join("/") });
}

/** The id of the resource an id sits below: its parent resource, or its resource group. */
function containerIdsOf(id: string): string[] {
  const out: string[] = [];
  const m = /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+)(\/.*)?$/i.exec(id);
  if (!m) return out;
  out.push(m[1]!);
  const segments = id.split("/");
  // …/providers/NS/t1/n1/t2/n2 → parent …/providers/NS/t1/n1 (extension resources: the resource they extend).
  for (let cut = segments.length - 2; cut > m[1]!.split("/").length; cut -= 2) {
    const parent = segments.slice(0, cut).join("/");
    if (!/\/providers$/i.test(parent) && !/\/providers\/[^/]+$/i.test(parent)) out.push(parent);
  }
  return out;
}

function armIdsIn(value: unknown, out: Set<string>): Set<string> {
  if (typeof value === "string") {
    if (/^\/subscriptions\/[^/]+\/resourceGroups\//i.test(value)) out.add(value);
  } else if (Array.isArray(value)) for (const v of value) armIdsIn(v, out);
  else if (value && typeof value === "object") for (const v of Object.values(value)) armIdsIn(v, out);
  return out;
}

const resourceOf = (action: StepAction): AzureResource => {
  if (action.type === "ensure" || action.type === "remove") return action.resource;
  throw new Error(`an Azure step cannot ${action.type}`);
};

const shortType = (type: string): string => type.split("/").slice(1).join("/");

export const describeAzure = (r: { readonly type: string; readonly name: string; readonly resourceGroup?: string }): string =>
  `${shortType(r.type)} ${r.resourceGroup && r.type !== RESOURCE_GROUPS ? `${r.resourceGroup}/` : ""}${r.name}`;

/** A role assignment's role by name (the built-in table), else its definition's GUID. */
const roleNameOf = (r: AzureResource): string => {
  const id = String((r.body.properties as { roleDefinitionId?: string } | undefined)?.roleDefinitionId ?? "").split("/").pop() ?? "";
  return Object.entries(BUILT_IN_ROLES).find(([, guid]) => guid === id)?.[0] ?? id;
};

/** The resource a role assignment's id is below, as messages name it (`vaults rg/kv`). */
const describeScope = (id: string): string => {
  const key = keyOfArmId(id.slice(0, id.indexOf("/providers/Microsoft.Authorization/")));
  const m = key ? /^azure:([^:]+):([^:]+):(.+)$/.exec(key) : null;
  return m ? describeAzure({ type: m[1]!, name: m[3]!, ...(m[2] === SUBSCRIPTION_SCOPE ? {} : { resourceGroup: m[2]! }) }) : id;
};

/** Resources before what is placed in them; servers and clusters after the subnets they join (read reversed when deleting). */
export const AZURE_ORDERING_RULES: readonly OrderingRule[] = [{ first: ["namespaces"], then: "*", scope: "platform", why: "resources are created in their resource group" }];

export const azurePlanning: ProviderPlanning = {
  provider: "azure",
  onCluster: false,
  stepFor(resource: DesiredResource) {
    if (resource.provider !== "azure") throw new Error(`${resource.key} is not an Azure resource`);
    const r = resource.resource;
    if (r.assignee === "deployer") return { title: `grant the deploying principal ${roleNameOf(r)} on ${describeScope(r.id)}`, action: { type: "ensure", resource: r } };
    const verb = r.type === PROVIDER_REGISTRATION ? "register resource provider" : r.existing ? "read existing" : "ensure";
    return { title: `${verb} ${r.type === PROVIDER_REGISTRATION ? r.name : describeAzure(r)}`, action: { type: "ensure", resource: r } };
  },
  impliedNeeds(resource: DesiredResource): readonly string[] {
    if (resource.provider !== "azure") return [];
    const r = resource.resource;
    const ids = armIdsIn(r.body, new Set(containerIdsOf(r.id)));
    const self = resource.key;
    // Every resource after its namespace's registration (catalog/azure/registration.ts), when the plan has that step.
    const registration = keyOfId({ provider: "azure", type: PROVIDER_REGISTRATION, scope: SUBSCRIPTION_SCOPE, name: r.type.split("/")[0]! });
    return [...[...ids].map(keyOfArmId), ...(r.type === PROVIDER_REGISTRATION ? [] : [registration])].filter((k): k is string => k !== undefined && k !== self);
  },
  phaseOf: (action) => azureTypeRow(resourceOf(action).type).phase,
  timeoutMs: (action) => azureTypeRow(resourceOf(action).type).timeoutMs,
  ordered(action): Ordered {
    const r = resourceOf(action);
    return { phase: azureTypeRow(r.type).phase, namespace: r.type === RESOURCE_GROUPS ? r.name : r.resourceGroup };
  },
  orderingRules: AZURE_ORDERING_RULES,
  keyOf: (owned) => keyOfId({ provider: "azure", type: owned.ref.kind, scope: owned.ref.kind === RESOURCE_GROUPS ? SUBSCRIPTION_SCOPE : (owned.ref.namespace ?? SUBSCRIPTION_SCOPE), name: owned.ref.name }),
  describe: (ref: ObjectRef) => describeAzure({ type: ref.kind, name: ref.name, ...(ref.namespace ? { resourceGroup: ref.namespace } : {}) }),
  removal(owned: OwnedObject): StepAction {
    if (!owned.id) throw new Error(`the Azure resource ${owned.ref.kind} ${owned.ref.name} was listed without its id`);
    const resource: AzureResource = { type: owned.ref.kind, apiVersion: owned.ref.apiVersion, id: owned.id, name: owned.ref.name, ...(owned.ref.namespace ? { resourceGroup: owned.ref.namespace } : {}), body: {} };
    return { type: "remove", resource };
  },
  // Deleting a resource group deletes everything in it, berth's tag or not.
  containerOf: (owned) => (owned.ref.kind === RESOURCE_GROUPS || !owned.ref.namespace ? undefined : keyOfId({ provider: "azure", type: RESOURCE_GROUPS, scope: SUBSCRIPTION_SCOPE, name: owned.ref.namespace })),
  // A resource group counts as holding data in itself (types.ts): deleting it deletes whatever else is in it.
  dataHolders: (owned) => new Set(owned.filter((o) => o.holdsData).map((o) => azurePlanning.keyOf(o))),
  holds(ref, owned) {
    if (ref.kind !== RESOURCE_GROUPS) return "";
    const held = owned.filter((o) => o.holdsData && o.ref.kind !== RESOURCE_GROUPS && o.ref.namespace === ref.name);
    return held.length ? held.map((o) => describeAzure({ type: o.ref.kind, name: o.ref.name })).join(", ") : "";
  },
};
