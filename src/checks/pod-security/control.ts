/**
 * Pod Security Standards as kubernetes/pod-security-admission implements them: one control per check of its
 * policy/check_*.go, each in a file of its own under controls/. A control is a list of rules by policy version (the
 * upstream VersionedCheck list): from `since` on, until the next entry, that rule judges pods; before the first entry
 * the control does not exist. A rule returns the fields of a pod that violate it. As a lint rule a control is
 * PSS-<ID>, applied to every pod template at the policy version of the target Kubernetes version.
 */
import type { PodView } from "./pod-spec.ts";

export type PodSecurityLevel = "baseline" | "restricted";

export interface Violation {
  /** Relative to the pod spec (`.containers[0].securityContext`), or to its metadata when `inMetadata`. */
  readonly field: string;
  readonly message: string;
  readonly inMetadata?: boolean;
}

export type PodRule = (pod: PodView) => Violation[];

export interface VersionedRule {
  /** The first policy minor version (1.N) this rule applies to. */
  readonly since: number;
  readonly check: PodRule;
  /** Baseline controls this restricted rule replaces in the restricted profile (upstream OverrideCheckIDs). */
  readonly overrides?: readonly string[];
}

export interface PodSecurityControl {
  /** The control's name in pod-security-admission: `runAsNonRoot`, `capabilities_restricted`. */
  readonly id: string;
  readonly level: PodSecurityLevel;
  readonly fix: string;
  /** In increasing `since` order. */
  readonly versions: readonly VersionedRule[];
}

export const pssRuleId = (control: string) => `PSS-${control.toUpperCase().replace(/_/g, "-")}`;

/** The rule of a control at a policy version, if the control exists there. */
export const ruleAt = (control: PodSecurityControl, version: number): VersionedRule | undefined =>
  [...control.versions].reverse().find((v) => v.since <= version);

/**
 * The controls a profile applies at a policy version: baseline applies the baseline controls; restricted applies the
 * restricted ones and every baseline control that no restricted rule of that version replaces.
 */
export function controlsAt(controls: readonly PodSecurityControl[], level: PodSecurityLevel, version: number): { control: PodSecurityControl; rule: VersionedRule }[] {
  const present = controls.flatMap((control) => {
    const rule = ruleAt(control, version);
    return rule && (level === "restricted" || control.level === "baseline") ? [{ control, rule }] : [];
  });
  const replaced = new Set(present.flatMap(({ rule }) => rule.overrides ?? []));
  return present.filter(({ control }) => !replaced.has(control.id));
}

/** A rule that lets Windows pods (`spec.os.name: windows`) through: the API server forbids those fields on them. */
export const exceptWindows =
  (check: PodRule): PodRule =>
  (pod) =>
    pod.spec.os?.name === "windows" ? [] : check(pod);

/** A rule that lets pods in their own user namespace (`hostUsers: false`) through: root in the pod is not root on the node. */
export const exceptUserNamespace =
  (check: PodRule): PodRule =>
  (pod) =>
    pod.spec.hostUsers === false ? [] : check(pod);
