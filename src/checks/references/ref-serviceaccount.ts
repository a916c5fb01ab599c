import { defineRule } from "../rule.ts";
import { targetExists } from "./target-exists.ts";

export const refServiceAccount = defineRule({
  id: "REF-SERVICEACCOUNT",
  severity: "error",
  title: "ServiceAccount exists",
  rationale: "Pods of a missing ServiceAccount are never created.",
  fix: "create the ServiceAccount or correct the name",
  // Every namespace has a `default` ServiceAccount; using it is a separate finding (DEFAULT-SERVICE-ACCOUNT).
  check: targetExists("ServiceAccount", ["default"]),
});
