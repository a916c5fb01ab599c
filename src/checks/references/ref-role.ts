import { defineRule } from "../rule.ts";
import { targetExists } from "./target-exists.ts";

export const refRole = defineRule({
  id: "REF-ROLE",
  severity: "error",
  title: "RoleBinding's Role exists",
  rationale: "A binding to a missing Role grants nothing.",
  fix: "create the Role or correct roleRef",
  check: targetExists("Role"),
});
