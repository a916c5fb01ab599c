/**
 * The app's NetworkPolicy, on top of the namespace's default-deny. Every allow is derived from a declaration:
 * DNS always; the ingress controller (namespace AND pods in one peer) when the app has an ingress; Prometheus on the
 * metrics port; apps that declare `connects` to this one; `allowFrom` callers; egress to connected apps and to
 * declared external endpoints.
 */
import { INGRESS_CONTROLLERS } from "../../resources/cluster-catalog.ts";
import { desired, type KubeDesired } from "../../resources/kube-object.ts";
import { ANY_PUBLIC_ADDRESS, ENTRA_ID, type EgressRule, egressTo, externalEgress, type IngressRule, networkPolicy, peer, tcp } from "../../resources/network-policy.ts";
import type { Platform } from "../../spec/schema.ts";
import { type AppContext, appContext, appSelector, commonLabels, mainPort, needsApiToken } from "./context.ts";
import { kubernetesOf } from "../../spec/kubernetes-of.ts";
import { referenceEgress } from "../azure/egress-hosts.ts";

const callerIndex = new WeakMap<Platform, Map<string, string[]>>();

/** Which apps call each app, computed once per platform: every app's policy needs it. */
function callersOf(platform: Platform): Map<string, string[]> {
  let index = callerIndex.get(platform);
  if (!index) {
    index = new Map();
    for (const [name, app] of Object.entries(platform.spec.apps))
      for (const target of app.connects) {
        const callers = index.get(target);
        if (callers) callers.push(name);
        else index.set(target, [name]);
      }
    callerIndex.set(platform, index);
  }
  return index;
}

export function appNetworkPolicy(ctx: AppContext): KubeDesired[] {
  const { app, platform } = ctx;
  const k8s = kubernetesOf(platform);
  const ingressRules: IngressRule[] = [];
  const egressRules: EgressRule[] = [];
  const portOf = (name: string) => app.ports.find((p) => p.name === name)!;

  if (app.ingress && k8s.ingress) {
    const profile = INGRESS_CONTROLLERS[k8s.ingress.controller];
    const target = portOf(app.ingress.port ?? mainPort(ctx).name);
    ingressRules.push({
      from: [peer(k8s.ingress.namespace ?? profile.namespace, k8s.ingress.podLabels ?? profile.podLabels)],
      ports: [{ protocol: target.protocol, port: target.port }],
    });
  }
  if (app.monitoring && k8s.prometheus) {
    const metrics = portOf(app.monitoring.port);
    if (metrics) ingressRules.push({ from: [peer(k8s.prometheus.namespace, k8s.prometheus.podLabels)], ports: [tcp(metrics.port)] });
  }
  const allPorts = app.ports.map((p) => ({ protocol: p.protocol, port: p.port }));
  for (const callerName of callersOf(platform).get(ctx.name) ?? []) {
    if (callerName === ctx.name) continue;
    const callerCtx = appContext(platform, callerName);
    ingressRules.push({ from: [peer(callerCtx.namespace, appSelector(callerCtx))], ports: allPorts });
  }
  for (const from of app.allowFrom) {
    const ports = from.ports ? app.ports.filter((p) => from.ports!.includes(p.name)) : app.ports;
    ingressRules.push({ from: [peer(from.namespace, from.podLabels)], ports: ports.map((p) => ({ protocol: p.protocol, port: p.port })) });
  }

  for (const c of ctx.connections) egressRules.push(egressTo(c));
  for (const target of app.connects) {
    if (!(target in platform.spec.apps) || target === ctx.name) continue;
    const targetCtx = appContext(platform, target);
    egressRules.push({ to: [peer(targetCtx.namespace, appSelector(targetCtx))], ports: targetCtx.app.ports.map((p) => ({ protocol: p.protocol, port: p.port })) });
  }
  // A workload identity exchanges its token with Entra ID: that endpoint comes with the identity.
  const implied = [
    ...(app.identity && !app.egress.some((e) => e.hosts.some((h) => ENTRA_ID.hosts.includes(h))) ? [ENTRA_ID] : []),
    ...referenceEgress(ctx.platform.spec.azure, app.env, app.egress),
  ];
  const external = externalEgress([...app.egress, ...implied]);
  egressRules.push(...external.rules);
  if (needsApiToken(ctx)) {
    // The API server sits outside pod CIDRs (on AKS a public or private endpoint); it is reached on 443.
    const api = k8s.apiServerCidrs?.map((cidr) => ({ ipBlock: { cidr } })) ?? [{ ipBlock: ANY_PUBLIC_ADDRESS }];
    egressRules.push({ to: api, ports: [tcp(443), tcp(6443)] });
  }

  return [
    desired(
      networkPolicy({
        name: ctx.name,
        namespace: ctx.namespace,
        labels: commonLabels(ctx),
        ...(external.annotations ? { annotations: external.annotations } : {}),
        podSelector: appSelector(ctx),
        openshift: kubernetesOf(platform).openshift,
        ingress: ingressRules,
        egress: egressRules,
      }),
      ctx.origin,
    ),
  ];
}
