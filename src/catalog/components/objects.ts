/** Objects most catalog types need: a dedicated ServiceAccount, Services, and the NetworkPolicy of its connections. */
import type { KubeObject } from "../../resources/kube-object.ts";
import { egressTo, type ExternalEndpoint, externalEgress, networkPolicy, peer, tcp } from "../../resources/network-policy.ts";
import type { ComponentContext } from "./component-type.ts";
import { componentLabels, componentSelector } from "./support.ts";
import { kubernetesOf } from "../../spec/kubernetes-of.ts";

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
export function componentNetworkPolicy(ctx: ComponentContext, ports: readonly number[], external: readonly ExternalEndpoint[] = []): KubeObject {
  const self = componentSelector(ctx);
  const selfPorts = ports.map(tcp);
  const outside = externalEgress(external);
  return networkPolicy({
    name: ctx.name,
    namespace: ctx.namespace,
    labels: componentLabels(ctx),
    ...(outside.annotations ? { annotations: outside.annotations } : {}),
    podSelector: self,
    openshift: kubernetesOf(ctx.platform).openshift,
    ingress: [
      ...(selfPorts.length ? [{ from: [peer(ctx.namespace, self)], ports: selfPorts }] : []),
      ...(selfPorts.length ? ctx.consumers.map((c) => ({ from: [peer(c.namespace, c.podLabels)], ports: selfPorts })) : []),
    ],
    egress: [
      ...(selfPorts.length ? [{ to: [peer(ctx.namespace, self)], ports: selfPorts }] : []),
      ...ctx.connections.map(egressTo),
      ...outside.rules,
    ],
  });
}
