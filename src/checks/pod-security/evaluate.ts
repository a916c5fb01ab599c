/** One pod judged by a profile at a policy version, as the admission controller would: the violations by control. */
import { controlsAt, type PodSecurityLevel, type Violation } from "./control.ts";
import { POD_SECURITY_CONTROLS } from "./controls/index.ts";
import type { PodView } from "./pod-spec.ts";

export function evaluatePod(pod: PodView, level: PodSecurityLevel, version: number): Map<string, Violation[]> {
  const out = new Map<string, Violation[]>();
  for (const { control, rule } of controlsAt(POD_SECURITY_CONTROLS, level, version)) {
    const found = rule.check(pod);
    if (found.length) out.set(control.id, found);
  }
  return out;
}
