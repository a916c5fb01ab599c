/**
 * What each rule ID means — title, why it matters, how to fix it — for SARIF's rule list and the fix line of text
 * output. Read from the rule files themselves, so the catalog cannot drift from the checks.
 */
import { BUILD_RULES } from "../checks/index.ts";
import type { RuleInfo } from "../checks/rule.ts";
import { SUPPRESSION_RULES } from "./suppression-rules.ts";

export type { RuleInfo } from "../checks/rule.ts";
export { pssRuleId } from "../checks/pod-security/control.ts";

export const RULES: readonly RuleInfo[] = [...BUILD_RULES, ...SUPPRESSION_RULES];

export const ruleInfo = (id: string): RuleInfo | undefined => RULES.find((r) => r.id === id);
