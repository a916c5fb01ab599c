import { defineRule } from "../rule.ts";
import { targetExists } from "./target-exists.ts";

export const refStatefulSet = defineRule({
  id: "REF-STATEFULSET",
  severity: "error",
  title: "Autoscaler target exists",
  rationale: "An HPA on a missing target does nothing.",
  fix: "point scaleTargetRef at an existing workload",
  check: targetExists("StatefulSet"),
});
