import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { AKS_STORAGE_CLASSES } from "../../resources/cluster-catalog.ts";
import { didYouMean } from "../../util/did-you-mean.ts";
import { problem, type SpecRule } from "./rule.ts";

/** Volumes fit their storage class and mount points do not collide; RBAC rules stay least-privilege. */
export const storageAndAccess: SpecRule = (spec) => {
  const out: Diagnostic[] = [];
  const k8s = spec.platform.spec.kubernetes;
  const classes: Record<string, readonly string[]> = { ...AKS_STORAGE_CLASSES, ...Object.fromEntries(Object.entries(k8s.storageClasses).map(([n, c]) => [n, c.accessModes])) };
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
