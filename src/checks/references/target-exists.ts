/** What the REF-<KIND> rules share: a name reference finds its object, of that kind, in the same namespace (or the one it names). */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import type { KubeDesired } from "../../resources/kube-object.ts";
import { didYouMean } from "../../util/did-you-mean.ts";
import { type CheckInput, type ObjectCheck, objectProblem, oncePerInput } from "../check.ts";
import type { RuleCheck } from "../rule.ts";
import { objectIndex } from "./object-index.ts";
import type { NameRef } from "./refs.ts";

interface MissingTarget {
  readonly resource: KubeDesired;
  readonly kind: string;
  readonly field: string;
  readonly message: string;
  readonly hint?: string;
}

/** Every name reference that finds no object, looked up once for all the REF-<KIND> rules, in input order. */
const unresolved = oncePerInput((input) => {
  const index = objectIndex(input);
  const out: { resource: KubeDesired; ns: string | undefined; ref: NameRef }[] = [];
  for (const { resource, ns, names } of index.references) for (const ref of names) if (!index.find(ref.kind, ref.namespace ?? ns, ref.name)) out.push({ resource, ns, ref });
  return out;
});

/** The references `asked` picks that find no object; did-you-mean looks through every object, so only for those. */
function missingTargets(input: CheckInput, asked: (ref: NameRef) => boolean): MissingTarget[] {
  const index = objectIndex(input);
  return unresolved(input)
    .filter(({ ref }) => asked(ref))
    .map(({ resource, ns, ref }) => ({ resource, kind: ref.kind, field: ref.field, message: `${ref.kind} "${ref.name}" does not exist in namespace ${ref.namespace ?? ns}`, hint: didYouMean(ref.name, index.namesOf(ref.kind, ref.namespace ?? ns)) }));
}

/** The check of a REF-<KIND> rule; `builtIn` names objects every namespace has without their being among the objects. */
export const targetExists =
  (kind: string, builtIn: readonly string[] = []): RuleCheck =>
  (input, rule) =>
    missingTargets(input, (ref) => ref.kind === kind && !builtIn.includes(ref.name)).map((m) => rule.problem(m.resource, m.field, m.message, m.hint));

const codeFor = (kind: string) => `REF-${kind.toUpperCase()}`;

/**
 * References to kinds no rule is about — a ClusterRole or a User in a RoleBinding, an autoscaler on a ReplicaSet — are
 * reported as REF-<KIND> all the same. Those codes are in no catalog: they have no title, rationale or fix of their own.
 */
export const uncataloguedTargets =
  (catalogued: ReadonlySet<string>): ObjectCheck =>
  (input): Diagnostic[] =>
    missingTargets(input, (ref) => !catalogued.has(codeFor(ref.kind))).map((m) => objectProblem(input, m.resource, codeFor(m.kind), m.field, m.message, m.hint));
