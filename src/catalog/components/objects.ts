/** Objects most catalog types need: a dedicated ServiceAccount, Services, and the NetworkPolicy of its connections. */
import type { KubeObject } from "../../resources/kube-object.ts";
import { egressTo, networkPolicy, peer, tcp } from "../../resources/network-policy.ts";
import type { ComponentContext } from "./component-type.ts";
import { componentLabels, componentSelector } from "./support.ts";

export const componentServiceAccount = (ctx: ComponentContext, name = ctx.name, annotations?: Record<string, string>, apiToken = false): KubeObject => ({
  apiVersion: "v1",
  kind: "ServiceAccount",
  metadata: { name, namespace: ctx.namespace, labels: componentLabels(ctx), ...(annotations ? { annotations } : {}) },
  automountServiceAccountToken: apiToken,
});

interface NamedPort {
  readonly name: string;
  readonly port: number;
}

export const service = (ctx: ComponentContext, name: string, selector: Record<string, string>, ports: readonly NamedPort[]): KubeObject => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name, namespace: ctx.namespace, labels: componentLabels(ctx) },
  spec: { type: "ClusterIP", selector, ports: ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.name, protocol: "TCP" })) },
});

/** Stable per-pod DNS names for StatefulSets (`<pod>.<svc>.<ns>.svc`), published before they are ready. */
export const headlessService = (ctx: ComponentContext, name: string, selector: Record<string, string>, ports: readonly NamedPort[]): KubeObject => {
  const svc = service(ctx, name, selector, ports);
  return { ...svc, spec: { ...(svc.spec as object), clusterIP: "None", publishNotReadyAddresses: true } };
};

/**
 * Pods of the component reach each other on its ports; consumers reach it on its ports; it reaches what it connects
 * to on their ports. Nothing else, beyond DNS.
 */
export interface ExternalEndpoint {
  readonly hosts: readonly string[];
  readonly ports: readonly number[];
  /** Address ranges when known (the API server's); else any public address. */
  readonly cidrs?: readonly string[];
}

/** Outside the cluster, but not into its private ranges: the names are recorded, as NetworkPolicy cannot match them. */
const PUBLIC = { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] };

export function componentNetworkPolicy(ctx: ComponentContext, ports: readonly number[], external: readonly ExternalEndpoint[] = []): KubeObject {
  const self = componentSelector(ctx);
  const selfPorts = ports.map(tcp);
  const hosts = [...new Set(external.flatMap((e) => e.hosts))];
  const publicEndpoints = external.filter((e) => !e.cidrs);
  const externalPorts = [...new Set(publicEndpoints.flatMap((e) => e.ports))].sort((a, b) => a - b);
  return networkPolicy({
    name: ctx.name,
    namespace: ctx.namespace,
    labels: componentLabels(ctx),
    ...(hosts.length ? { annotations: { "berth.dev/egress-hosts": hosts.join(",") } } : {}),
    podSelector: self,
    openshift: ctx.platform.spec.openshift,
    ingress: [
      ...(selfPorts.length ? [{ from: [peer(ctx.namespace, self)], ports: selfPorts }] : []),
      ...(selfPorts.length ? ctx.consumers.map((c) => ({ from: [peer(c.namespace, c.podLabels)], ports: selfPorts })) : []),
    ],
    egress: [
      ...(selfPorts.length ? [{ to: [peer(ctx.namespace, self)], ports: selfPorts }] : []),
      ...ctx.connections.map(egressTo),
      ...(externalPorts.length ? [{ to: [{ ipBlock: PUBLIC }], ports: externalPorts.map(tcp) }] : []),
      ...external.filter((e) => e.cidrs).map((e) => ({ to: e.cidrs!.map((cidr) => ({ ipBlock: { cidr } })), ports: e.ports.map(tcp) })),
    ],
  });
}
