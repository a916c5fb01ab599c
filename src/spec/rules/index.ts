import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import type { ResolvedSpec } from "../resolve.ts";
import { azureRules } from "./azure/index.ts";
import { databricksRules } from "./databricks.ts";
import { exposure } from "./exposure.ts";
import { kubernetesNeeded } from "./kubernetes-needed.ts";
import { references } from "./references.ts";
import type { SpecRule } from "./rule.ts";
import { stateRules } from "./state.ts";
import { storageAndAccess } from "./storage-and-access.ts";
import { workload } from "./workload.ts";

/** Cross-field rules of what runs in the cluster; they need spec.kubernetes. */
export const KUBERNETES_RULES: readonly SpecRule[] = [references, workload, exposure, storageAndAccess];

/** Cross-field rules, run after the schema accepted the spec. */
export const checkSpecRules = (spec: ResolvedSpec): Diagnostic[] => [
  ...kubernetesNeeded(spec),
  ...(spec.platform.spec.kubernetes ? KUBERNETES_RULES.flatMap((rule) => rule(spec)) : []),
  ...azureRules(spec),
  ...databricksRules(spec),
  ...stateRules(spec),
];
