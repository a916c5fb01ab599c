import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { INGRESS_CONTROLLERS, storageClassesOf } from "../../resources/cluster-catalog.ts";
import { didYouMean } from "../../util/did-you-mean.ts";
import { problem, type SpecRule } from "./rule.ts";
import { kubernetesOf } from "../kubernetes-of.ts";

/** Volumes fit their storage class and mount points do not collide; RBAC rules stay least-privilege. */
export const storageAndAccess: SpecRule = (spec) => {
  const out: Diagnostic[] = [];
  const k8s = kubernetesOf(spec.platform);
  out.push(...reservedNamespaces(spec));
  const classes: Record<string, readonly string[]> = storageClassesOf(k8s.storageClasses);
  if (!(k8s.defaultStorageClass in classes))
    out.push(problem(spec, ["spec", "kubernetes", "defaultStorageClass"], "SPEC-UNKNOWN-STORAGE-CLASS", `storage class "${k8s.defaultStorageClass}" is neither built into AKS nor declared in spec.kubernetes.storageClasses`, didYouMean(k8s.defaultStorageClass, Object.keys(classes))));
  for (const [name, app] of Object.entries(spec.platform.spec.apps)) {
    const at = ["spec", "apps", name];
    const pods = Math.max(app.autoscale ? app.autoscale.max : app.replicas, 1) + (app.canary ? app.canary.replicas : 0);
    const mounts = new Map<string, string>();
    const claimMount = (path: string, owner: string, where: (string | number)[]) => {
      const clash = [...mounts.entries()].find(([p]) => p === path || path.startsWith(`${p}/`) || p.startsWith(`${path}/`));
      if (clash) out.push(problem(spec, where, "SPEC-MOUNT-CONFLICT", `${owner} mounts ${path}, which overlaps ${clash[1]} at ${clash[0]}`));
      else mounts.set(path, owner);
    };
    app.security.writablePaths.forEach((p, i) => claimMount(p, "a writable path", [...at, "security", "writablePaths", i]));
    if (app.config?.mountPath) claimMount(app.config.mountPath, "the config", [...at, "config", "mountPath"]);
    for (const [vol, v] of Object.entries(app.volumes)) {
      claimMount(v.mountPath, `volume ${vol}`, [...at, "volumes", vol, "mountPath"]);
      const cls = v.storageClass ?? k8s.defaultStorageClass;
      const modes = classes[cls];
      if (!modes) {
        if (v.storageClass) out.push(problem(spec, [...at, "volumes", vol, "storageClass"], "SPEC-UNKNOWN-STORAGE-CLASS", `storage class "${cls}" is neither built into AKS nor declared in spec.kubernetes.storageClasses`, didYouMean(cls, Object.keys(classes)) ?? "declare it with its access modes"));
        continue;
      }
      if (!modes.includes(v.accessMode))
        out.push(problem(spec, [...at, "volumes", vol, "accessMode"], "SPEC-ACCESS-MODE", `storage class "${cls}" does not support ${v.accessMode} (it supports ${modes.join(", ")})`, Object.entries(classes).filter(([, m]) => m.includes(v.accessMode)).map(([n]) => n).slice(0, 3).join(", ") ? `use a class that does, e.g. ${Object.entries(classes).filter(([, m]) => m.includes(v.accessMode)).map(([n]) => n).slice(0, 3).join(", ")}` : undefined));
      if ((v.accessMode === "ReadWriteOnce" || v.accessMode === "ReadWriteOncePod") && pods > 1)
        out.push(problem(spec, [...at, "volumes", vol, "accessMode"], "SPEC-SHARED-RWO", `${v.accessMode} volume "${vol}" is mounted by up to ${pods} pods; pods on other nodes cannot attach it`, "use ReadWriteMany/ReadOnlyMany on a file-backed class, or run one replica", v.accessMode === "ReadWriteOncePod" ? "error" : "warning"));
      if (v.accessMode === "ReadOnlyMany" && !v.readOnly)
        out.push(problem(spec, [...at, "volumes", vol, "readOnly"], "SPEC-INVALID", "a ReadOnlyMany volume must be mounted with readOnly: true"));
    }
    app.rbac?.rules.forEach((rule, i) => {
      const wild = [...rule.apiGroups, ...rule.resources].filter((x) => x.includes("*"));
      if (wild.length) out.push(problem(spec, [...at, "rbac", "rules", i], "SPEC-RBAC-WILDCARD", `wildcards (${wild.join(", ")}) grant more than the app needs`, "list the API groups and resources explicitly"));
      const risky = rule.resources.filter((r) => /^pods\/(exec|attach|portforward)$|^(roles|rolebindings|clusterroles|clusterrolebindings)$/.test(r) && rule.verbs.some((v) => v !== "get" && v !== "list" && v !== "watch"));
      if (risky.length) out.push(problem(spec, [...at, "rbac", "rules", i], "SPEC-RBAC-ESCALATION", `write access to ${risky.join(", ")} lets the app escalate its own privileges`));
    });
  }
  return out;
};

/**
 * berth labels the namespaces it renders for Pod Security and puts a default-deny policy in each: done to kube-system
 * or to the namespace of the ingress controller or Prometheus, that would cut off DNS or the cluster's own add-ons.
 */
function reservedNamespaces(spec: Parameters<SpecRule>[0]): Diagnostic[] {
  const p = spec.platform.spec;
  const addons = new Map<string, string>([
    ["kube-system", "the cluster's system namespace"],
    ["kube-public", "a cluster-managed namespace"],
    ["kube-node-lease", "a cluster-managed namespace"],
    ["default", "the default namespace, shared with everything else"],
    ["cert-manager", "cert-manager's namespace"],
  ]);
  const k8s = kubernetesOf(spec.platform);
  if (k8s.ingress) addons.set(k8s.ingress.namespace ?? INGRESS_CONTROLLERS[k8s.ingress.controller].namespace, "the ingress controller's namespace");
  if (k8s.prometheus) addons.set(k8s.prometheus.namespace, "Prometheus's namespace");
  const used: { ns: string; path: (string | number)[] }[] = [];
  const resolve = (v: string) => k8s.namespaces[v] ?? v;
  const ns = k8s.namespace;
  if (ns) used.push({ ns, path: ["spec", "kubernetes", "namespace"] });
  else used.push({ ns: spec.platform.metadata.name, path: ["metadata", "name"] });
  for (const [name, app] of Object.entries(p.apps)) if (app.namespace) used.push({ ns: resolve(app.namespace), path: ["spec", "apps", name, "namespace"] });
  for (const [name, c] of Object.entries(p.components)) if (c.namespace) used.push({ ns: resolve(c.namespace), path: ["spec", "components", name, "namespace"] });
  const defaultUsed = Object.values(p.apps).some((a) => !a.namespace) || Object.values(p.components).some((c) => !c.namespace);
  return used
    .filter((u, i) => addons.has(u.ns) && (i > 0 || defaultUsed))
    .map((u) => problem(spec, u.path, "SPEC-RESERVED-NAMESPACE", `namespace "${u.ns}" is ${addons.get(u.ns)}; berth labels the namespaces it uses for restricted Pod Security and denies all traffic there by default`, "give the platform its own namespace"));
}
