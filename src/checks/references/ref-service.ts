import { defineRule } from "../rule.ts";
import { targetExists } from "./target-exists.ts";

export const refService = defineRule({
  id: "REF-SERVICE",
  severity: "error",
  title: "Ingress backend Service exists",
  rationale: "Requests to a missing backend fail with 503.",
  fix: "create the Service or correct the name",
  check: targetExists("Service"),
});
