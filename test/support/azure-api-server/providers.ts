/**
 * Resource provider registration: namespaces are Registered unless the scenario lists them as not; registering
 * moves NotRegistered → Registering → Registered over the provider-registration latency. Writes to a namespace
 * that is not Registered fail 409 MissingSubscriptionRegistration (resources.ts).
 */
import { AZURE_TYPES } from "../../../src/resources/azure-types.ts";
import { ArmError } from "./errors.ts";
import { json, type Reply } from "./reply.ts";
import type { Json } from "./types.ts";
import type { ProviderState, World } from "./world.ts";

/** Namespaces that are part of ARM itself and never need registering. */
const BUILT_IN = new Set(["microsoft.resources", "microsoft.authorization"]);

export const PROVIDER_REGISTRATION = "providerRegistration";

export function initialProviders(unregistered: readonly string[] = []): Map<string, ProviderState> {
  const out = new Map<string, ProviderState>();
  const namespaces = new Set([...Object.keys(AZURE_TYPES).map((t) => t.split("/")[0]!), ...unregistered]);
  const off = new Set(unregistered.map((n) => n.toLowerCase()));
  for (const ns of namespaces) if (!BUILT_IN.has(ns.toLowerCase())) out.set(ns.toLowerCase(), { namespace: ns, state: off.has(ns.toLowerCase()) ? "NotRegistered" : "Registered" });
  return out;
}

function providerView(w: World, p: ProviderState): Json {
  const prefix = p.namespace.toLowerCase() + "/";
  return {
    id: `/subscriptions/${w.subscriptionId}/providers/${p.namespace}`,
    namespace: p.namespace,
    registrationState: p.state,
    registrationPolicy: "RegistrationRequired",
    resourceTypes: Object.entries(AZURE_TYPES)
      .filter(([t]) => t.toLowerCase().startsWith(prefix))
      .map(([t, i]) => ({ resourceType: t.slice(prefix.length), locations: [], apiVersions: [i.apiVersion] })),
  };
}

const stateOf = (w: World, namespace: string): ProviderState => {
  const known = w.providers.get(namespace.toLowerCase());
  if (known) return known;
  if (BUILT_IN.has(namespace.toLowerCase())) return { namespace, state: "Registered" };
  throw new ArmError(404, "InvalidResourceNamespace", `The resource namespace '${namespace}' is invalid.`);
};

export function handleProviders(w: World, method: string, namespace: string | undefined, action: string | undefined): Reply {
  if (namespace === undefined) {
    if (method !== "GET") throw new ArmError(405, "MethodNotAllowed", `The HTTP method '${method}' is not supported.`);
    return json(200, { value: [...w.providers.values()].map((p) => providerView(w, p)) });
  }
  const p = stateOf(w, namespace);
  if (method === "GET" && action === undefined) return json(200, providerView(w, p));
  if (method === "POST" && action?.toLowerCase() === "register") {
    if (p.state === "NotRegistered") {
      p.state = "Registering";
      w.ops.start({
        kind: "post",
        resourceId: `/subscriptions/${w.subscriptionId}/providers/${p.namespace}`,
        namespace: "Microsoft.Resources",
        location: "global",
        apiVersion: "2021-04-01",
        durationMs: w.latency(PROVIDER_REGISTRATION),
        finish: () => {
          p.state = "Registered";
          p.registeredAt = w.clock.now();
          return {};
        },
      });
    }
    return json(200, providerView(w, p));
  }
  if (method === "POST" && action?.toLowerCase() === "unregister") {
    p.state = "NotRegistered";
    return json(200, providerView(w, p));
  }
  throw new ArmError(405, "MethodNotAllowed", `The HTTP method '${method}' is not supported.`);
}
