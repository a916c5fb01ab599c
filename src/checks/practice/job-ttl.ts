/** Finished Jobs are cleaned up, and CronJobs give up on missed starts (reliability.md #32). */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { defineRule } from "../rule.ts";

export const jobTtl = defineRule({
  id: "JOB-TTL",
  severity: "warning",
  title: "Jobs are cleaned up; CronJobs have a starting deadline",
  rationale: "Finished Jobs pile up; missed CronJob runs fire without limit (kube-linter job-ttl-seconds-after-finished, kube-score cronjob-has-deadline).",
  fix: "set ttlSecondsAfterFinished and startingDeadlineSeconds",
  check: (input, rule) => {
    const out: Diagnostic[] = [];
    for (const r of input.resources) {
      const spec = r.object.spec as { ttlSecondsAfterFinished?: number; startingDeadlineSeconds?: number; jobTemplate?: { spec?: { ttlSecondsAfterFinished?: number } } } | undefined;
      if (r.object.kind === "Job" && spec?.ttlSecondsAfterFinished === undefined)
        out.push(rule.problem(r, ".spec.ttlSecondsAfterFinished", "finished Jobs and their pods stay forever", "set ttlSecondsAfterFinished"));
      if (r.object.kind === "CronJob") {
        if (spec?.startingDeadlineSeconds === undefined) out.push(rule.problem(r, ".spec.startingDeadlineSeconds", "missed schedules are retried without limit after downtime", "set startingDeadlineSeconds"));
        if (spec?.jobTemplate?.spec?.ttlSecondsAfterFinished === undefined)
          out.push(rule.problem(r, ".spec.jobTemplate.spec.ttlSecondsAfterFinished", "finished Jobs and their pods stay forever", "set ttlSecondsAfterFinished"));
      }
    }
    return out;
  },
});
