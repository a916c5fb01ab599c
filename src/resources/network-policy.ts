/**
 * NetworkPolicy building blocks shared by apps and catalog components. Peers always combine namespace AND pod
 * selectors in one entry (two entries would OR them, the seed 004 defect); DNS goes to kube-dns in kube-system,
 * selected by the namespace label Kubernetes sets itself.
 */
import type { INetworkPolicyEgressRule } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicyEgressRule";
import type { INetworkPolicyIngressRule } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicyIngressRule";
import type { INetworkPolicyPeer } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer";
import type { INetworkPolicyPort } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicyPort";
import type { KubeObject } from "./kube-object.ts";
import { ANNOTATION, LABEL } from "./labels.ts";

export type PolicyPort = INetworkPolicyPort;
export type IngressRule = INetworkPolicyIngressRule;
export type EgressRule = INetworkPolicyEgressRule;

export const peer = (namespace: string, podLabels?: Record<string, string>): INetworkPolicyPeer => ({
  namespaceSelector: { matchLabels: { [LABEL.namespaceName]: namespace } },
  ...(podLabels ? { podSelector: { matchLabels: podLabels } } : {}),
});

export const tcp = (port: number | string): PolicyPort => ({ protocol: "TCP", port });

export const DNS_EGRESS: EgressRule = {
  to: [peer("kube-system", { "k8s-app": "kube-dns" })],
  ports: [{ protocol: "UDP", port: 53 }, tcp(53)],
};

/** OpenShift runs DNS in openshift-dns, listening on 5353 behind the 53 Service (policy sees the pod port). */
export const OPENSHIFT_DNS_EGRESS: EgressRule = {
  to: [peer("openshift-dns", { "dns.operator.openshift.io/daemonset-dns": "default" })],
  ports: [{ protocol: "UDP", port: 5353 }, tcp(5353), { protocol: "UDP", port: 53 }, tcp(53)],
};

export interface PolicyInput {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly podSelector: Record<string, string>;
  readonly ingress: IngressRule[];
  readonly egress: EgressRule[];
  readonly openshift?: boolean;
}

/** Both directions are always policed; DNS egress is always first. */
export const networkPolicy = (p: PolicyInput): KubeObject => ({
  apiVersion: "networking.k8s.io/v1",
  kind: "NetworkPolicy",
  metadata: { name: p.name, namespace: p.namespace, labels: p.labels, ...(p.annotations ? { annotations: p.annotations } : {}) },
  spec: {
    podSelector: { matchLabels: p.podSelector },
    policyTypes: ["Ingress", "Egress"],
    ingress: p.ingress,
    egress: [p.openshift ? OPENSHIFT_DNS_EGRESS : DNS_EGRESS, ...p.egress],
  },
});

/** Egress to a connected server: its pods when it runs in the cluster, its address ranges when it does not. */
export const egressTo = (c: { namespace: string; podLabels?: Record<string, string>; cidrs?: readonly string[]; ports: readonly number[] }): EgressRule => ({
  to: c.podLabels ? [peer(c.namespace, c.podLabels)] : (c.cidrs ?? ["0.0.0.0/0"]).map((cidr) => ({ ipBlock: { cidr } })),
  ports: c.ports.map(tcp),
});

/** Private ranges are excluded from "the internet", so an allow to a named endpoint never opens the cluster network. */
export const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];
export const ANY_PUBLIC_ADDRESS = { cidr: "0.0.0.0/0", except: PRIVATE_RANGES };

/** Where a workload identity exchanges its token: the endpoint comes with every identity. */
export const ENTRA_ID: ExternalEndpoint = { hosts: ["login.microsoftonline.com"], ports: [443] };

export interface ExternalEndpoint {
  readonly hosts: readonly string[];
  readonly ports: readonly number[];
  /** Address ranges when known (a private endpoint, the API server); else any public address. */
  readonly cidrs?: readonly string[];
}

/**
 * Egress to endpoints outside the cluster: to their ranges when declared, else to any public address; endpoints with
 * the same destination and ports share one rule. NetworkPolicy cannot match host names, so the names are recorded in
 * the berth.dev/egress-hosts annotation.
 */
export function externalEgress(endpoints: readonly ExternalEndpoint[]): { rules: EgressRule[]; annotations?: Record<string, string> } {
  const rules = new Map<string, EgressRule>();
  for (const e of endpoints) {
    const to = e.cidrs?.map((cidr) => ({ ipBlock: { cidr } })) ?? [{ ipBlock: ANY_PUBLIC_ADDRESS }];
    const ports = [...new Set(e.ports)].sort((a, b) => a - b).map(tcp);
    const key = JSON.stringify([to, ports]);
    if (!rules.has(key)) rules.set(key, { to, ports });
  }
  const hosts = [...new Set(endpoints.flatMap((e) => e.hosts))];
  return { rules: [...rules.values()], ...(hosts.length ? { annotations: { [ANNOTATION.egressHosts]: hosts.join(",") } } : {}) };
}
