/** The lint runner's own findings, about suppressions rather than objects: described here, reported by run.ts. */
import { describeRule } from "../checks/rule.ts";

export const suppressionReason = describeRule({
  id: "LINT-SUPPRESSION-REASON",
  severity: "error",
  title: "Every suppression gives a reason",
  rationale: "A silenced rule without a reason cannot be reviewed.",
  fix: 'write berth.dev/ignore: "RULE-ID — reason"',
});

export const unusedSuppression = describeRule({
  id: "LINT-UNUSED-SUPPRESSION",
  severity: "warning",
  title: "Every suppression in the spec silences something",
  rationale: "A suppression that matches nothing is stale, and would silence the rule unseen if the problem came back.",
  fix: "remove the suppression",
});

export const SUPPRESSION_RULES = [suppressionReason, unusedSuppression];
