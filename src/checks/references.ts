/**
 * Every reference in a generated object resolves: to another generated object, or to one the spec declares as
 * pre-existing (spec.secrets). Extractors are a table keyed by kind; selectors must match at least one target.
 */
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import type { KubeObject } from "../resources/kube-object.ts";
import { didYouMean } from "../util/did-you-mean.ts";
import { type CheckInput, type ObjectCheck, objectProblem } from "./check.ts";
import { containersOf, podSpecOf } from "./pod-security/pod-spec.ts";

interface NameRef {
  readonly kind: string;
  readonly name: string;
  readonly field: string;
  readonly key?: string;
  /** For Service backends: a port name or number that must exist on the Service. */
  readonly port?: string | number;
}

interface SelectorRef {
  readonly targets: "pods" | "services";
  readonly matchLabels: Record<string, string>;
  readonly field: string;
  readonly namespaces?: readonly string[];
  /** A Service port name every selected Service must have. */
  readonly port?: string;
}

type Get = (o: KubeObject, ...path: string[]) => unknown;
const get: Get = (o, ...path) => path.reduce<unknown>((n, k) => (n as Record<string, unknown> | undefined)?.[k], o);

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
    ...((get(o, "subjects") as { kind: string; name: string }[] | undefined) ?? []).map((s, i) => ({ kind: s.kind, name: s.name, field: `.subjects[${i}]` })),
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

const matches = (selector: Record<string, string>, labels: Record<string, string> | undefined) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

export const references: ObjectCheck = (input: CheckInput) => {
  const out: Diagnostic[] = [];
  const byId = new Map<string, KubeObject>();
  const id = (kind: string, ns: string | undefined, name: string) => `${kind}/${ns ?? ""}/${name}`;
  for (const r of input.resources) byId.set(id(r.object.kind, r.object.metadata.namespace, r.object.metadata.name), r.object);

  // Pre-existing objects and what other generated objects will create at run time.
  const namespaces = new Set(input.resources.map((r) => r.object.metadata.namespace).filter((n): n is string => !!n));
  const secretKeys = new Map<string, string[]>();
  for (const [name, keys] of Object.entries(input.facts.declaredSecrets)) for (const ns of namespaces) secretKeys.set(id("Secret", ns, name), [...keys]);
  for (const g of input.secrets ?? []) for (const ns of g.namespaces) secretKeys.set(id("Secret", ns, g.name), [...g.keys]);
  for (const r of input.resources) {
    if (r.object.kind === "Certificate") secretKeys.set(id("Secret", r.object.metadata.namespace, get(r.object, "spec", "secretName") as string), ["tls.crt", "tls.key", "ca.crt"]);
    if (r.object.kind === "Secret") secretKeys.set(id("Secret", r.object.metadata.namespace, r.object.metadata.name), Object.keys({ ...(get(r.object, "data") as object), ...(get(r.object, "stringData") as object) }));
  }

  // Indexes keep every lookup near constant-time on platforms with thousands of objects: pod templates by
  // namespace and by each of their labels, Services by namespace.
  const podsByLabel = new Map<string, Record<string, string>[]>();
  const servicesByNs = new Map<string | undefined, KubeObject[]>();
  for (const r of input.resources) {
    if (podSpecOf(r.object)) {
      const labels = (get(r.object, ...(r.object.kind === "CronJob" ? ["spec", "jobTemplate", "spec", "template"] : ["spec", "template"]), "metadata", "labels") as Record<string, string> | undefined) ?? {};
      for (const [k, v] of Object.entries(labels)) {
        const key = `${r.object.metadata.namespace}\u0000${k}=${v}`;
        podsByLabel.set(key, [...(podsByLabel.get(key) ?? []), labels]);
      }
    }
    if (r.object.kind === "Service") servicesByNs.set(r.object.metadata.namespace, [...(servicesByNs.get(r.object.metadata.namespace) ?? []), r.object]);
  }
  const podsMatching = (ns: string | undefined, selector: Record<string, string>) => {
    const first = Object.entries(selector)[0];
    if (!first) return [];
    return (podsByLabel.get(`${ns}\u0000${first[0]}=${first[1]}`) ?? []).filter((labels) => matches(selector, labels));
  };
  const candidatesFor = (kind: string, ns: string | undefined) => input.resources.filter((x) => x.object.kind === kind && x.object.metadata.namespace === ns).map((x) => x.object.metadata.name);

  for (const r of input.resources) {
    const ns = r.object.metadata.namespace;
    for (const ref of [...podRefs(r.object), ...(NAME_REFS[r.object.kind]?.(r.object) ?? [])]) {
      if (ref.kind === "Secret") {
        const keys = secretKeys.get(id("Secret", ns, ref.name));
        if (!keys) out.push(objectProblem(input, r, "REF-SECRET", ref.field, `Secret "${ref.name}" does not exist in namespace ${ns}`, input.facts.missingSecretHint ?? "add the Secret, or suppress with berth.dev/ignore if something else creates it"));
        else if (ref.key && !keys.includes(ref.key)) out.push(objectProblem(input, r, "REF-SECRET-KEY", ref.field, `Secret "${ref.name}" has no key "${ref.key}"`, didYouMean(ref.key, keys)));
        continue;
      }
      const target = byId.get(id(ref.kind, ns, ref.name));
      // Every namespace has a `default` ServiceAccount; using it is a separate finding (DEFAULT-SERVICE-ACCOUNT).
      if (!target && ref.kind === "ServiceAccount" && ref.name === "default") continue;
      if (!target) {
        out.push(objectProblem(input, r, `REF-${ref.kind.toUpperCase()}`, ref.field, `${ref.kind} "${ref.name}" does not exist in namespace ${ns}`, didYouMean(ref.name, candidatesFor(ref.kind, ns))));
        continue;
      }
      if (ref.key && ref.kind === "ConfigMap" && !Object.keys((get(target, "data") as object | undefined) ?? {}).includes(ref.key))
        out.push(objectProblem(input, r, "REF-CONFIGMAP-KEY", ref.field, `ConfigMap "${ref.name}" has no key "${ref.key}"`));
      if (ref.port !== undefined) {
        const ports = (get(target, "spec", "ports") as { name?: string; port: number }[]) ?? [];
        if (!ports.some((p) => p.name === ref.port || p.port === ref.port)) out.push(objectProblem(input, r, "REF-SERVICE-PORT", ref.field, `Service "${ref.name}" has no port ${JSON.stringify(ref.port)}`));
      }
    }
    for (const sel of SELECTOR_REFS[r.object.kind]?.(r.object) ?? []) {
      if (sel.targets === "pods") {
        if (podsMatching(ns, sel.matchLabels).length === 0)
          out.push(objectProblem(input, r, "REF-SELECTOR", sel.field, `selector ${JSON.stringify(sel.matchLabels)} matches no pod template`));
      } else {
        const inScope = (sel.namespaces ?? [ns]).flatMap((n) => servicesByNs.get(n) ?? []).filter((s) => matches(sel.matchLabels, s.metadata.labels));
        if (inScope.length === 0) out.push(objectProblem(input, r, "REF-SELECTOR", sel.field, `selector ${JSON.stringify(sel.matchLabels)} matches no Service`));
        for (const s of inScope.filter((s) => !((get(s, "spec", "ports") as { name?: string }[]) ?? []).some((p) => p.name === sel.port)))
          out.push(objectProblem(input, r, "REF-SERVICE-PORT", sel.field, `Service ${s.metadata.name} has no port named "${sel.port}"`));
      }
    }
  }
  return out;
};

