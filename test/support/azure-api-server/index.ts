/**
 * An Azure test server: Entra ID's token endpoint and Resource Manager over HTTPS on 127.0.0.1, following the
 * published REST APIs closely enough for the Azure SDKs and berth's Azure provider, with time on an injectable
 * clock and injectable faults. See README.md beside this file.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { serverClock } from "../clock.ts";
import { readBody } from "../https-io.ts";
import { routeArm } from "./arm-router.ts";
import { Entra } from "./entra.ts";
import { ArmError } from "./errors.ts";
import { Faults } from "./faults.ts";
import { routeKeyVault, VAULT_PATH_PREFIX } from "./keyvault-data.ts";
import { deletedSecrets } from "./keyvault-deleted.ts";
import { parsePath } from "./ids.ts";
import { Operations } from "./operations.ts";
import { PROVIDER_REGISTRATION, initialProviders } from "./providers.ts";
import { json, type Reply, requestIdHeaders } from "./reply.ts";
import { resourceTypeOf, view } from "./resources.ts";
import { Store } from "./store.ts";
import { testCertificate } from "./tls.ts";
import { behaviourOf } from "./types/index.ts";
import type { AzureApiServer, Json, RequestRecord, Scenario, Service } from "./types.ts";
import type { World } from "./world.ts";
import { storeUserSecrets } from "./types/keyvault.ts";
import { ROLE_DEFINITIONS } from "./types/authorization.ts";

export type { AzureApiServer, EntraClient, TokenClaims, TokenRefusal, KubernetesEndpoint, ProvisioningFault, RequestFault, RequestMatch, RequestRecord, Scenario } from "./types.ts";

/** Virtual-time latencies for endpoints that are not resource types. */
const OTHER_LATENCY: Readonly<Record<string, number>> = {
  [PROVIDER_REGISTRATION]: 60_000,
  "Microsoft.Resources/resourceGroups": 30_000,
  "Microsoft.KeyVault/deletedVaults": 30_000,
};

export async function startAzureApiServer(scenario: Scenario = {}): Promise<AzureApiServer> {
  const { realTime, clock, own: ownClock } = serverClock(scenario);
  const stop = new AbortController();
  const cert = testCertificate();
  let base = "";
  const clients = scenario.clients?.length ? scenario.clients : [{ clientId: randomUUID(), clientSecret: `berth-test-${randomUUID()}`, objectId: randomUUID() }];
  const w: World = {
    scenario,
    clock,
    store: new Store(),
    ops: new Operations(clock, stop.signal),
    faults: new Faults(),
    tenantId: scenario.tenantId ?? randomUUID(),
    subscriptionId: scenario.subscriptionId ?? randomUUID(),
    realTime,
    base: () => base,
    principals: new Map(),
    locks: new Map(),
    deletedVaults: new Map(),
    userSecrets: new Map(),
    providers: initialProviders(scenario.unregisteredProviders),
    latency(type) {
      const given = Object.entries(scenario.latency ?? {}).find(([k]) => k.toLowerCase() === type.toLowerCase());
      if (given) return given[1];
      if (realTime) return 0;
      return behaviourOf(type).latencyMs ?? OTHER_LATENCY[type] ?? 0;
    },
  };
  for (const f of scenario.faults ?? []) w.faults.addRequest(f);
  for (const f of scenario.provisioningFaults ?? []) w.faults.addProvisioning(f);
  const entra = new Entra(w, clients);
  const requests: RequestRecord[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const raw = await readBody(req);
    const url = new URL(req.url ?? "/", base);
    const method = (req.method ?? "GET").toUpperCase();
    const service: Service = url.pathname.startsWith(VAULT_PATH_PREFIX) ? "keyvault" : /^\/(subscriptions|providers|tenants)(\/|$)/i.test(url.pathname) ? "arm" : "entra";
    const p = service === "arm" ? parsePath(url.pathname) : undefined;
    const armType = p ? resourceTypeOf(method, p) : undefined;
    const apiVersion = url.searchParams.get("api-version") ?? undefined;
    const write = service === "arm" && (method === "PUT" || method === "PATCH" || method === "DELETE" || (method === "POST" && !/^list/i.test(p?.action ?? url.pathname.split("/").pop() ?? "")));
    const record = (status: number, code?: string): void => {
      requests.push({ service, method, path: url.pathname, ...(apiVersion ? { apiVersion } : {}), status, ...(code ? { code } : {}), at: clock.now(), write });
    };
    const fault = w.faults.takeRequest({ service, method, path: url.pathname, ...(armType ? { type: armType } : {}) });
    let reply: Reply;
    if (fault?.reset) {
      record(0, "ConnectionReset");
      req.socket.destroy();
      return;
    }
    if (fault) {
      const status = fault.status ?? 500;
      const code = fault.code ?? (status === 429 ? "TooManyRequests" : "InternalServerError");
      reply = json(status, fault.body ?? { error: { code, message: fault.message ?? `Injected fault ${code}.` } }, fault.retryAfter !== undefined ? { "Retry-After": String(fault.retryAfter) } : {});
    } else {
      reply = await clock.busy(
        Promise.resolve().then(() => {
          try {
            if (service === "entra") return entra.handle(method, url.pathname, method === "POST" ? new URLSearchParams(raw.toString()) : url.searchParams);
            let body: Json | undefined;
            if (raw.length) {
              try {
                body = JSON.parse(raw.toString()) as Json;
              } catch {
                throw new ArmError(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized.");
              }
            }
            const call = { method, path: url.pathname, query: url.searchParams, body, authorization: req.headers.authorization };
            return service === "keyvault" ? routeKeyVault(w, entra, call) : routeArm(w, entra, call);
          } catch (e) {
            if (e instanceof ArmError) return json(e.status, e.body(), e.headers);
            throw e;
          }
        }),
      );
    }
    const body = reply.body === undefined ? "" : JSON.stringify(reply.body);
    const code = (reply.body as Json | undefined)?.error?.code ?? (typeof (reply.body as Json | undefined)?.error === "string" ? (reply.body as Json).error : undefined);
    record(reply.status, reply.status >= 400 ? code : undefined);
    res.writeHead(reply.status, { ...requestIdHeaders(), ...(body ? { "Content-Type": "application/json; charset=utf-8" } : {}), ...(reply.headers ?? {}) });
    res.end(body);
  };

  const server = createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ error: { code: "InternalServerError", message: String(e instanceof Error ? e.message : e) } }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    authorityHost: base,
    tenantId: w.tenantId,
    subscriptionId: w.subscriptionId,
    clientId: clients[0]!.clientId,
    clientSecret: clients[0]!.clientSecret ?? "",
    ca: cert.cert,
    caPath: cert.certPath,
    clock,
    requests,
    writes: () => requests.filter((r) => r.write).length,
    resource(id) {
      w.ops.settle();
      const r = w.store.get(id);
      return r ? view(w, r) : undefined;
    },
    resources(type) {
      w.ops.settle();
      return (type ? w.store.ofType(type) : w.store.all()).map((r) => view(w, r));
    },
    writeOnly(id, path) {
      w.ops.settle();
      return w.store.writeOnly(id, path);
    },
    seed(resource) {
      const r = structuredClone(resource);
      if (!r.id || !r.type) throw new Error("seed needs id and type");
      r.name ??= String(r.id).split("/").pop();
      r.properties ??= {};
      if (behaviourOf(String(r.type)).asyncPut) r.properties.provisioningState ??= "Succeeded";
      w.store.put(r);
      // Pre-existing principals have long replicated.
      if (r.properties.principalId) w.principals.set(String(r.properties.principalId), Number.NEGATIVE_INFINITY);
    },
    deletedVaults: () => [...w.deletedVaults.values()].map((d) => structuredClone(d.view)),
    deletedSecrets: () => deletedSecrets(w),
    seedDeleted(resource, options = {}) {
      const r = structuredClone(resource);
      if (!r.id || !r.type) throw new Error("seedDeleted needs id and type");
      r.name ??= String(r.id).split("/").pop();
      r.properties ??= {};
      const removed = behaviourOf(String(r.type)).removed;
      if (!removed) throw new Error(`${r.type} is not soft-deleted: it has no deleted state`);
      removed(w, r, options.value !== undefined ? { "properties.value": options.value } : undefined);
    },
    setUserSecrets(vault, secrets) {
      w.userSecrets.set(vault.toLowerCase(), { ...w.userSecrets.get(vault.toLowerCase()), ...secrets });
      const existing = w.store.ofType("Microsoft.KeyVault/vaults").find((v) => String(v.name).toLowerCase() === vault.toLowerCase());
      if (existing) storeUserSecrets(w, existing);
    },
    addFault: (f) => w.faults.addRequest(f),
    addProvisioningFault: (f) => w.faults.addProvisioning(f),
    verifyToken(token, audiences) {
      const claims = entra.signedClaims(token);
      if (!claims) return { refused: "invalid" };
      if (claims.exp * 1000 <= clock.now()) return { refused: "expired" };
      const bare = (a: string): string => a.replace(/\/+$/, "").toLowerCase();
      return audiences.some((a) => bare(a) === bare(claims.aud)) ? { claims } : { refused: "audience" };
    },
    hasRole(objectId, scope, roleNames = ["Owner", "Contributor"]) {
      const target = scope.toLowerCase();
      const roleIds = ROLE_DEFINITIONS.filter((r) => roleNames.includes(r.roleName)).map((r) => r.id.toLowerCase());
      return w.store.ofType("Microsoft.Authorization/roleAssignments").some((a) => {
        const p = a.properties ?? {};
        const at = String(p.scope ?? "").toLowerCase();
        return String(p.principalId) === objectId && (target === at || target.startsWith(`${at}/`)) && roleIds.includes(String(p.roleDefinitionId ?? "").split("/").pop()!.toLowerCase());
      });
    },
    async close() {
      stop.abort();
      ownClock?.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
