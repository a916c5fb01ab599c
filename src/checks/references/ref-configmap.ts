import { defineRule } from "../rule.ts";
import { targetExists } from "./target-exists.ts";

export const refConfigMap = defineRule({
  id: "REF-CONFIGMAP",
  severity: "error",
  title: "ConfigMap exists",
  rationale: "Pods reading a missing ConfigMap do not start.",
  fix: "create the ConfigMap or correct the name",
  check: targetExists("ConfigMap"),
});
