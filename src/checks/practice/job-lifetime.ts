/** JOB-TTL (reliability.md #32): finished Jobs are cleaned up, and CronJobs give up on missed starts. */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { type ObjectCheck, objectProblem } from "../check.ts";

export const jobLifetime: ObjectCheck = (input) => {
  const out: Diagnostic[] = [];
  for (const r of input.resources) {
    const spec = r.object.spec as { ttlSecondsAfterFinished?: number; startingDeadlineSeconds?: number; jobTemplate?: { spec?: { ttlSecondsAfterFinished?: number } } } | undefined;
    if (r.object.kind === "Job" && spec?.ttlSecondsAfterFinished === undefined)
      out.push(objectProblem(input, r, "JOB-TTL", ".spec.ttlSecondsAfterFinished", "finished Jobs and their pods stay forever", "set ttlSecondsAfterFinished", "warning"));
    if (r.object.kind === "CronJob") {
      if (spec?.startingDeadlineSeconds === undefined)
        out.push(objectProblem(input, r, "JOB-TTL", ".spec.startingDeadlineSeconds", "missed schedules are retried without limit after downtime", "set startingDeadlineSeconds", "warning"));
      if (spec?.jobTemplate?.spec?.ttlSecondsAfterFinished === undefined)
        out.push(objectProblem(input, r, "JOB-TTL", ".spec.jobTemplate.spec.ttlSecondsAfterFinished", "finished Jobs and their pods stay forever", "set ttlSecondsAfterFinished", "warning"));
    }
  }
  return out;
};
