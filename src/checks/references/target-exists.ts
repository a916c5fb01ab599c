/** What the REF-<KIND> rules share: a name reference finds its object, of that kind, in the same namespace. */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import type { DesiredResource } from "../../resources/kube-object.ts";
import { didYouMean } from "../../util/did-you-mean.ts";
import { type CheckInput, type ObjectCheck, objectProblem } from "../check.ts";
import type { RuleCheck } from "../rule.ts";
import { objectIndex } from "./object-index.ts";

interface MissingTarget {
  readonly resource: DesiredResource;
  readonly kind: string;
  readonly name: string;
  readonly field: string;
  readonly message: string;
  readonly hint?: string;
}

function missingTargets(input: CheckInput, ofKind: (kind: string) => boolean): MissingTarget[] {
  const index = objectIndex(input);
  return index.references.flatMap(({ resource, ns, names }) =>
    names
      .filter((ref) => ofKind(ref.kind) && !index.find(ref.kind, ns, ref.name))
      .map((ref) => ({ resource, kind: ref.kind, name: ref.name, field: ref.field, message: `${ref.kind} "${ref.name}" does not exist in namespace ${ns}`, hint: didYouMean(ref.name, index.namesOf(ref.kind, ns)) })),
  );
}

/** The check of a REF-<KIND> rule; `builtIn` names objects every namespace has without their being among the objects. */
export const targetExists =
  (kind: string, builtIn: readonly string[] = []): RuleCheck =>
  (input, rule) =>
    missingTargets(input, (k) => k === kind)
      .filter((m) => !builtIn.includes(m.name))
      .map((m) => rule.problem(m.resource, m.field, m.message, m.hint));

const codeFor = (kind: string) => `REF-${kind.toUpperCase()}`;

/**
 * References to kinds no rule is about — a ClusterRole or a User in a RoleBinding, an autoscaler on a ReplicaSet — are
 * reported as REF-<KIND> all the same. Those codes are in no catalog: they have no title, rationale or fix of their own.
 */
export const uncataloguedTargets =
  (catalogued: ReadonlySet<string>): ObjectCheck =>
  (input): Diagnostic[] =>
    missingTargets(input, (kind) => !catalogued.has(codeFor(kind))).map((m) => objectProblem(input, m.resource, codeFor(m.kind), m.field, m.message, m.hint));
