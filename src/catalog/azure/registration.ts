/**
 * Resource provider registration as plan steps: one per namespace the platform creates resources of (a subscription
 * must have `Microsoft.Network` registered before it takes a VNet). Each resource of that namespace needs its
 * namespace's step (planning.ts); a namespace already registered is in sync, so a second run writes nothing.
 * Microsoft.Resources and Microsoft.Authorization are registered in every subscription.
 */
import type { AzureDesired } from "../../resources/azure-resource.ts";
import { AZURE_API } from "../../resources/azure-types.ts";
import { keyOfId, SUBSCRIPTION_SCOPE } from "../../resources/identity.ts";
import type { AzureContext } from "./context.ts";

export const PROVIDER_REGISTRATION = "Microsoft.Resources/providers";

const ALWAYS_REGISTERED = new Set(["microsoft.resources", "microsoft.authorization"]);

export const registrationKey = (namespace: string): string => keyOfId({ provider: "azure", type: PROVIDER_REGISTRATION, scope: SUBSCRIPTION_SCOPE, name: namespace });

export function synthRegistrations(ctx: AzureContext, resources: readonly AzureDesired[]): AzureDesired[] {
  const namespaces = new Set(resources.filter((r) => !r.resource.existing).map((r) => r.resource.type.split("/")[0]!));
  return [...namespaces]
    .filter((ns) => !ALWAYS_REGISTERED.has(ns.toLowerCase()))
    .sort()
    .map((ns) => ({
      key: registrationKey(ns),
      provider: "azure",
      resource: { type: PROVIDER_REGISTRATION, apiVersion: AZURE_API.providers, id: `/subscriptions/${ctx.azure.subscriptionId}/providers/${ns}`, name: ns, body: {} },
      origin: ["spec", "azure"],
      group: ["azure", "registration"],
    }));
}
