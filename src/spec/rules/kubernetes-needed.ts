import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { problem, type SpecRule } from "./rule.ts";

/** Apps, components and jobs run in a cluster: a platform without spec.kubernetes may declare Azure resources only. */
export const kubernetesNeeded: SpecRule = (spec) => {
  const p = spec.platform.spec;
  if (p.kubernetes) return [];
  const out: Diagnostic[] = [];
  for (const section of ["apps", "components", "jobs"] as const)
    for (const name of Object.keys(p[section]))
      out.push(problem(spec, ["spec", section, name], "SPEC-NEEDS-KUBERNETES", `${section}.${name} runs in a Kubernetes cluster, and the spec declares no spec.kubernetes`, 'add spec.kubernetes: { version: "1.31" } (the cluster it deploys to)'));
  return out;
};
