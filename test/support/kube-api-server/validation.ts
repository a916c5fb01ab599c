/** 422 rules per kind, worded like the API server's field errors. */
import { fromLabelSelector, matches } from "./selectors.ts";
import type { FieldError } from "./status.ts";
import type { Obj } from "./types.ts";
import { deepEqual, isObject } from "./util.ts";

type Rule = (o: Obj, old: Obj | undefined) => FieldError[];

const required = (field: string): FieldError => ({ field, detail: "Required value", reason: "FieldValueRequired" });
const invalidValue = (field: string, value: unknown, why: string): FieldError => ({
  field,
  detail: `Invalid value: ${goValue(value)}: ${why}`,
  reason: "FieldValueInvalid",
});

function goValue(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (isObject(v) && Object.values(v).every((x) => typeof x === "string"))
    return `map[string]string{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${JSON.stringify(v[k])}`).join(", ")}}`;
  return JSON.stringify(v);
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

/** Kinds whose names must be DNS labels rather than subdomains. */
const LABEL_NAMED = new Set(["Namespace", "Service"]);

const nameRule: Rule = (o) => {
  const name = o.metadata?.name;
  if (!name) return o.metadata?.generateName ? [] : [{ field: "metadata.name", detail: "Required value: name or generateName is required", reason: "FieldValueRequired" }];
  const label = LABEL_NAMED.has(o.kind);
  const ok = label ? DNS_LABEL.test(name) && name.length <= 63 : DNS_SUBDOMAIN.test(name) && name.length <= 253;
  return ok ? [] : [invalidValue("metadata.name", name, label ? LABEL_MSG : SUBDOMAIN_MSG)];
};

function podSpecRule(spec: Obj | undefined, at: string): FieldError[] {
  const containers: Obj[] = Array.isArray(spec?.containers) ? spec!.containers : [];
  if (containers.length === 0) return [required(`${at}.containers`)];
  return containers.flatMap((c, i) => [
    ...(c.name ? [] : [required(`${at}.containers[${i}].name`)]),
    ...(c.image ? [] : [required(`${at}.containers[${i}].image`)]),
  ]);
}

function selectorRule(kind: string): Rule {
  return (o, old) => {
    const sel = o.spec?.selector;
    const errs: FieldError[] = [];
    if (!isObject(sel)) errs.push(required("spec.selector"));
    else if (fromLabelSelector(sel).length === 0) errs.push(invalidValue("spec.selector", sel, `empty selector is invalid for ${kind}`));
    else if (!matches(fromLabelSelector(sel), o.spec?.template?.metadata?.labels))
      errs.push(invalidValue("spec.template.metadata.labels", o.spec?.template?.metadata?.labels ?? {}, "`selector` does not match template `labels`"));
    if (old && isObject(sel) && !deepEqual(sel, old.spec?.selector)) errs.push(invalidValue("spec.selector", sel, "field is immutable"));
    return [...errs, ...podSpecRule(o.spec?.template?.spec, "spec.template.spec")];
  };
}

const RESTART_FOR_JOBS = ["OnFailure", "Never"];
function jobTemplateRule(at: string, spec: Obj | undefined): FieldError[] {
  const policy = spec?.template?.spec?.restartPolicy;
  const errs = podSpecRule(spec?.template?.spec, `${at}.template.spec`);
  if (!RESTART_FOR_JOBS.includes(policy))
    errs.push({ field: `${at}.template.spec.restartPolicy`, detail: `Unsupported value: ${JSON.stringify(policy ?? "Always")}: supported values: "OnFailure", "Never"`, reason: "FieldValueNotSupported" });
  return errs;
}

const STS_MUTABLE = ["replicas", "ordinals", "template", "updateStrategy", "persistentVolumeClaimRetentionPolicy", "minReadySeconds"];

/** ConfigMaps and Secrets marked immutable keep their data. */
const immutableData: Rule = (o, old) =>
  old?.immutable === true && (!deepEqual(o.data, old.data) || !deepEqual(o.binaryData, old.binaryData) || o.immutable !== true)
    ? [{ field: o.immutable !== true ? "immutable" : "data", detail: "Forbidden: field is immutable when `immutable` is set", reason: "FieldValueForbidden" }]
    : [];

const PVC_MUTABLE = new Set(["resources", "volumeAttributesClassName", "volumeName"]);

const RULES: Record<string, Rule[]> = {
  ConfigMap: [immutableData],
  Secret: [immutableData, (o, old) => (old && (o.type ?? "Opaque") !== (old.type ?? "Opaque") ? [invalidValue("type", o.type, "field is immutable")] : [])],
  Deployment: [selectorRule("deployment")],
  ReplicaSet: [selectorRule("replicaset")],
  DaemonSet: [selectorRule("daemonset")],
  StatefulSet: [
    selectorRule("statefulset"),
    (o, old) => {
      if (!old) return [];
      const strip = (s: Obj | undefined): Obj => Object.fromEntries(Object.entries(s ?? {}).filter(([k]) => !STS_MUTABLE.includes(k)));
      return deepEqual(strip(o.spec), strip(old.spec))
        ? []
        : [{ field: "spec", detail: "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden", reason: "FieldValueForbidden" }];
    },
  ],
  Job: [
    (o) => jobTemplateRule("spec", o.spec),
    (o, old) => (old && !deepEqual(o.spec?.template, old.spec?.template) ? [invalidValue("spec.template", "core.PodTemplateSpec{…}", "field is immutable")] : []),
    (o, old) => (old && o.spec?.completions !== old.spec?.completions ? [invalidValue("spec.completions", o.spec?.completions, "field is immutable")] : []),
  ],
  CronJob: [(o) => [...(o.spec?.schedule ? [] : [required("spec.schedule")]), ...jobTemplateRule("spec.jobTemplate.spec", o.spec?.jobTemplate?.spec)]],
  Pod: [(o) => podSpecRule(o.spec, "spec")],
  Service: [
    (o) => {
      const s = o.spec ?? {};
      const needsPorts = s.type !== "ExternalName" && s.clusterIP !== "None";
      return needsPorts && !(Array.isArray(s.ports) && s.ports.length > 0) ? [required("spec.ports")] : [];
    },
    (o, old) => (old && old.spec?.clusterIP && o.spec?.clusterIP && o.spec.clusterIP !== old.spec.clusterIP ? [invalidValue("spec.clusterIPs[0]", o.spec.clusterIP, "may not change once set")] : []),
  ],
  PersistentVolumeClaim: [
    (o) => (o.spec?.resources?.requests?.storage ? [] : [required("spec.resources[storage]")]),
    (o, old) => {
      if (!old) return [];
      const strip = (s: Obj | undefined): Obj => Object.fromEntries(Object.entries(s ?? {}).filter(([k]) => !PVC_MUTABLE.has(k)));
      return deepEqual(strip(o.spec), strip(old.spec))
        ? []
        : [{ field: "spec", detail: "Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims", reason: "FieldValueForbidden" }];
    },
  ],
  CustomResourceDefinition: [
    (o) => {
      const want = `${o.spec?.names?.plural}.${o.spec?.group}`;
      return o.metadata?.name === want ? [] : [invalidValue("metadata.name", o.metadata?.name, `must be spec.names.plural+"."+spec.group`)];
    },
    (o) => (Array.isArray(o.spec?.versions) && o.spec.versions.length > 0 ? [] : [required("spec.versions")]),
  ],
};

export function validate(o: Obj, old: Obj | undefined): FieldError[] {
  const errs = nameRule(o, old);
  if (errs.length > 0) return errs;
  return (RULES[o.kind] ?? []).flatMap((r) => r(o, old));
}
