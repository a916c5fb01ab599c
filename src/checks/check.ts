import type { Diagnostic, Severity, SourceLocation } from "../diagnostics/diagnostic.ts";
import { storageClassesOf } from "../resources/cluster-catalog.ts";
import { formatPath } from "../spec/path.ts";
import type { ResolvedSpec } from "../spec/resolve.ts";
import { type KubeDesired, describeObject } from "../resources/kube-object.ts";
import type { GeneratedSecret } from "../resources/secrets.ts";
import { clusterSecrets } from "../resources/vault-secrets.ts";
import { SUPPORTED_VERSIONS } from "./schema-registry.ts";

/** What the objects live in, beyond the objects themselves. */
export interface ClusterFacts {
  readonly kubernetesVersion: string;
  /** Where the version was set, for a problem with it; asked only when there is one (finding it may cost a parse). */
  readonly versionLocation?: () => SourceLocation | undefined;
  /** Where the version came from: a spec (rendered and deployed by berth) or `--kubernetes-version` for plain YAML. */
  readonly versionSource?: "spec" | "flag";
  /** Secrets that exist without being among the objects, with their keys. */
  readonly declaredSecrets: Readonly<Record<string, readonly string[]>>;
  /** Kinds without a schema: an error for what berth writes, a warning for YAML from elsewhere. */
  readonly unknownKinds?: "error" | "warn";
  /** How to make a missing Secret exist, in the words of where the objects came from. */
  readonly missingSecretHint?: string;
  /** Storage classes with their access modes; unknown (undefined) when linting YAML from elsewhere. */
  readonly storageClasses?: Readonly<Record<string, readonly string[]>>;
}

/**
 * What every check receives: all objects at once, what is known of the cluster, and how a problem in an object is
 * located — at the spec entry that produced it (build) or at the object's place in a YAML file (lint).
 */
export interface CheckInput {
  readonly resources: readonly KubeDesired[];
  /** Secrets berth will generate; references to them resolve. */
  readonly secrets?: readonly GeneratedSecret[];
  readonly facts: ClusterFacts;
  readonly locate: (resource: KubeDesired) => { readonly path: string; readonly location?: SourceLocation };
  /** Pod Security Standards level to hold pods to (restricted includes baseline). */
  readonly level?: "baseline" | "restricted";
}

/** Checks of what `berth build` produced: located in the spec. */
export function specCheckInput(spec: ResolvedSpec, resources: readonly KubeDesired[], secrets?: readonly GeneratedSecret[]): CheckInput {
  const k8s = spec.platform.spec.kubernetes;
  return {
    resources,
    ...(secrets ? { secrets } : {}),
    facts: {
      // An Azure-only platform renders no Kubernetes objects; the newest supported minor stands in for the checks.
      kubernetesVersion: k8s?.version ?? `1.${SUPPORTED_VERSIONS.max}`,
      versionLocation: () => spec.locate.value(["spec", "kubernetes", "version"]),
      declaredSecrets: clusterSecrets(spec.platform.spec.secrets),
      missingSecretHint: "declare it under spec.secrets with its keys",
      storageClasses: storageClassesOf(k8s?.storageClasses ?? {}),
    },
    locate: (r) => ({ path: formatPath(r.origin), location: spec.locate.value(r.origin) }),
  };
}

export type ObjectCheck = (input: CheckInput) => Diagnostic[];

/** What several rules need from one input, computed once however many ask: lint hands every rule the same input. */
export function oncePerInput<T>(compute: (input: CheckInput) => T): (input: CheckInput) => T {
  const computed = new WeakMap<CheckInput, T>();
  return (input) => {
    if (!computed.has(input)) computed.set(input, compute(input));
    return computed.get(input)!;
  };
}

/** A problem in a generated object, named by the object and field, located at the spec entry that produced it. */
export function objectProblem(
  input: CheckInput,
  resource: KubeDesired,
  code: string,
  field: string,
  message: string,
  hint?: string,
  severity: Severity = "error",
): Diagnostic {
  const where = input.locate(resource);
  return {
    severity,
    code,
    path: where.path,
    ...(where.location ? { location: where.location } : {}),
    object: describeObject(resource.object),
    field,
    message,
    ...(hint ? { hint } : {}),
  };
}

/** JSON-pointer style instance paths from ajv → `.spec.template.spec.containers[0].image`. */
export const fieldFromPointer = (pointer: string): string =>
  pointer
    .split("/")
    .slice(1)
    .map((seg) => (/^[0-9]+$/.test(seg) ? `[${seg}]` : `.${seg.replace(/~1/g, "/").replace(/~0/g, "~")}`))
    .join("") || ".";
