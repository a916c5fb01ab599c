/**
 * Cluster prerequisites found before any write: objects of some kinds only work with something installed in the
 * cluster (resources/cluster-catalog.ts CLUSTER_PREREQUISITES: the Secrets Store CSI driver for SecretProviderClasses,
 * External Secrets Operator for SecretStores and ExternalSecrets). One check per prerequisite, naming what is missing
 * and how to install it. When every object needing it names the plan step that installs it (an AKS add-on berth turns
 * on), a missing prerequisite is reported without blocking: that step comes first.
 */
import { describeRef, type ObjectRef, type PlanStep, refOf } from "../../plan/step.ts";
import { type ClusterPrerequisite, CLUSTER_PREREQUISITES } from "../../resources/cluster-catalog.ts";
import { ANNOTATION } from "../../resources/labels.ts";
import type { ProviderProblem } from "../provider.ts";

export interface ClusterLookup {
  /** The object, or undefined when it does not exist. */
  read(ref: ObjectRef): Promise<unknown>;
  /** Whether the API serves the kind (its CRD is established). */
  served(apiVersion: string, kind: string): Promise<boolean>;
}

/** How many object names a message lists before saying "and N more". */
const SHOWN = 3;

export async function prerequisiteProblems(cluster: ClusterLookup, steps: readonly PlanStep[]): Promise<ProviderProblem[]> {
  const needing = new Map<ClusterPrerequisite, { steps: PlanStep[]; refs: ObjectRef[]; installedBy: Set<string | undefined> }>();
  for (const step of steps) {
    if (step.action.type !== "apply") continue;
    const o = step.action.object;
    const prerequisite = CLUSTER_PREREQUISITES[`${o.apiVersion}/${o.kind}`];
    if (!prerequisite) continue;
    const entry = needing.get(prerequisite) ?? { steps: [], refs: [], installedBy: new Set() };
    entry.steps.push(step);
    entry.refs.push(refOf(o));
    entry.installedBy.add(o.metadata.annotations?.[ANNOTATION.prerequisiteFrom]);
    needing.set(prerequisite, entry);
  }
  const problems: ProviderProblem[] = [];
  for (const [prerequisite, { steps: users, refs, installedBy }] of needing) {
    const first = users[0]!;
    let missing: string[];
    try {
      missing = [];
      for (const o of prerequisite.objects) {
        const there = o.serves ? await cluster.served(o.serves.apiVersion, o.serves.kind) : (await cluster.read(o)) !== undefined;
        if (!there) missing.push(`${o.kind} ${o.name}`);
      }
    } catch (error) {
      problems.push({ code: "CheckFailed", step: first.id, message: `could not check whether ${prerequisite.what} is installed: ${error instanceof Error ? error.message : String(error)}`, blocking: false });
      continue;
    }
    if (missing.length === 0) continue;
    const names = refs.slice(0, SHOWN).map(describeRef);
    const more = users.length > SHOWN ? ` and ${users.length - SHOWN} more` : "";
    const message = `${prerequisite.what} is not installed in the cluster (no ${missing.join(", no ")}); ${names.join(", ")}${more} need${users.length === 1 ? "s" : ""} it`;
    const step = installedBy.size === 1 ? [...installedBy][0] : undefined;
    problems.push(
      step
        ? { code: "PrerequisiteMissing", step: first.id, message: `${message}: step ${step} installs it first`, blocking: false }
        : { code: "PrerequisiteMissing", step: first.id, message, hint: prerequisite.fix, blocking: true },
    );
  }
  return problems;
}
