import { defineRule } from "../rule.ts";
import { targetExists } from "./target-exists.ts";

export const refPersistentVolumeClaim = defineRule({
  id: "REF-PERSISTENTVOLUMECLAIM",
  severity: "error",
  title: "PersistentVolumeClaim exists",
  rationale: "Pods mounting a missing claim stay Pending.",
  fix: "create the claim or correct the name",
  check: targetExists("PersistentVolumeClaim"),
});
