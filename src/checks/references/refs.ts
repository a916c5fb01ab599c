/**
 * The references each object makes, for the REF-* rules: names of other objects (with a key or a port where the
 * reference needs one) and label selectors that must match something. Extractors are a table keyed by kind.
 */
import type { KubeObject } from "../../resources/kube-object.ts";
import { containersOf, podSpecOf } from "../pod-security/pod-spec.ts";

export interface NameRef {
  readonly kind: string;
  readonly name: string;
  readonly field: string;
  readonly key?: string;
  /** The target's namespace when it may differ from the referrer's (a RoleBinding's ServiceAccount subject). */
  readonly namespace?: string;
  /** For Service backends: a port name or number that must exist on the Service. */
  readonly port?: string | number;
}

export interface SelectorRef {
  readonly targets: "pods" | "services";
  readonly matchLabels: Record<string, string>;
  readonly field: string;
  readonly namespaces?: readonly string[];
  /** A Service port name every selected Service must have. */
  readonly port?: string;
}

type Get = (o: KubeObject, ...path: string[]) => unknown;
export const get: Get = (o, ...path) => path.reduce<unknown>((n, k) => (n as Record<string, unknown> | undefined)?.[k], o);

function podRefs(o: KubeObject): NameRef[] {
  const pod = podSpecOf(o);
  if (!pod) return [];
  const base = pod.field;
  const spec = pod.spec as Record<string, unknown>;
  const refs: NameRef[] = [];
  refs.push({ kind: "ServiceAccount", name: (spec.serviceAccountName as string | undefined) ?? "default", field: `${base}.serviceAccountName` });
  for (const { container, field } of containersOf(pod.spec)) {
    const env = (container as { env?: { valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: { name: string; key: string } } }[] }).env ?? [];
    env.forEach((e, i) => {
      const s = e.valueFrom?.secretKeyRef;
      const c = e.valueFrom?.configMapKeyRef;
      if (s) refs.push({ kind: "Secret", name: s.name, key: s.key, field: `${base}${field}.env[${i}].valueFrom.secretKeyRef` });
      if (c) refs.push({ kind: "ConfigMap", name: c.name, key: c.key, field: `${base}${field}.env[${i}].valueFrom.configMapKeyRef` });
    });
  }
  ((spec.volumes as Record<string, { name?: string; claimName?: string; secretName?: string }>[] | undefined) ?? []).forEach((v, i) => {
    if (v.configMap) refs.push({ kind: "ConfigMap", name: v.configMap.name!, field: `${base}.volumes[${i}].configMap` });
    if (v.secret) refs.push({ kind: "Secret", name: v.secret.secretName!, field: `${base}.volumes[${i}].secret` });
    if (v.persistentVolumeClaim) refs.push({ kind: "PersistentVolumeClaim", name: v.persistentVolumeClaim.claimName!, field: `${base}.volumes[${i}].persistentVolumeClaim` });
  });
  return refs;
}

const NAME_REFS: Readonly<Record<string, (o: KubeObject) => NameRef[]>> = {
  HorizontalPodAutoscaler: (o) => [{ kind: get(o, "spec", "scaleTargetRef", "kind") as string, name: get(o, "spec", "scaleTargetRef", "name") as string, field: ".spec.scaleTargetRef" }],
  Ingress: (o) => {
    const refs: NameRef[] = [];
    ((get(o, "spec", "tls") as { secretName?: string }[] | undefined) ?? []).forEach((t, i) => {
      if (t.secretName) refs.push({ kind: "Secret", name: t.secretName, field: `.spec.tls[${i}].secretName` });
    });
    ((get(o, "spec", "rules") as { http?: { paths: { backend: { service?: { name: string; port: { name?: string; number?: number } } } }[] } }[] | undefined) ?? []).forEach((rule, i) =>
      (rule.http?.paths ?? []).forEach((p, j) => {
        const svc = p.backend.service;
        if (svc) refs.push({ kind: "Service", name: svc.name, port: svc.port.name ?? svc.port.number, field: `.spec.rules[${i}].http.paths[${j}].backend.service` });
      }),
    );
    return refs;
  },
  RoleBinding: (o) => [
    { kind: get(o, "roleRef", "kind") as string, name: get(o, "roleRef", "name") as string, field: ".roleRef" },
    ...((get(o, "subjects") as { kind: string; name: string; namespace?: string }[] | undefined) ?? []).map((s, i) => ({ kind: s.kind, name: s.name, field: `.subjects[${i}]`, ...(s.namespace ? { namespace: s.namespace } : {}) })),
  ],
};

const SELECTOR_REFS: Readonly<Record<string, (o: KubeObject) => SelectorRef[]>> = {
  Service: (o) => [{ targets: "pods", matchLabels: (get(o, "spec", "selector") as Record<string, string>) ?? {}, field: ".spec.selector" }],
  PodDisruptionBudget: (o) => [{ targets: "pods", matchLabels: (get(o, "spec", "selector", "matchLabels") as Record<string, string>) ?? {}, field: ".spec.selector" }],
  NetworkPolicy: (o) => {
    const labels = (get(o, "spec", "podSelector", "matchLabels") as Record<string, string> | undefined) ?? {};
    const external = Object.keys(labels).some((k) => PODS_CREATED_BY_OTHERS.includes(k));
    return Object.keys(labels).length && !external ? [{ targets: "pods", matchLabels: labels, field: ".spec.podSelector" }] : [];
  },
  ServiceMonitor: (o) => {
    const endpoints = (get(o, "spec", "endpoints") as { port?: string }[] | undefined) ?? [];
    return endpoints.map((e, i) => ({
      targets: "services",
      matchLabels: (get(o, "spec", "selector", "matchLabels") as Record<string, string>) ?? {},
      namespaces: get(o, "spec", "namespaceSelector", "matchNames") as string[] | undefined,
      port: e.port,
      field: `.spec.endpoints[${i}].port`,
    }));
  },
};

/** Labels of pods that controllers create at run time (no template in the output to match). */
const PODS_CREATED_BY_OTHERS = ["acme.cert-manager.io/http01-solver"];

export const nameRefsOf = (o: KubeObject): NameRef[] => [...podRefs(o), ...(NAME_REFS[o.kind]?.(o) ?? [])];

export const selectorRefsOf = (o: KubeObject): SelectorRef[] => SELECTOR_REFS[o.kind]?.(o) ?? [];
