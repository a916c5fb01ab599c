import type { Diagnostic, Severity } from "../diagnostics/diagnostic.ts";
import { formatPath } from "../spec/path.ts";
import type { ResolvedSpec } from "../spec/resolve.ts";
import { type DesiredResource, describeObject } from "../resources/kube-object.ts";
import type { GeneratedSecret } from "../resources/secrets.ts";

/** What every check of generated objects receives: all objects at once, and the spec to point back into. */
export interface CheckInput {
  readonly resources: readonly DesiredResource[];
  /** Secrets berth will generate; references to them resolve. */
  readonly secrets?: readonly GeneratedSecret[];
  readonly spec: ResolvedSpec;
}

export type ObjectCheck = (input: CheckInput) => Diagnostic[];

/** A problem in a generated object, named by the object and field, located at the spec entry that produced it. */
export function objectProblem(
  input: CheckInput,
  resource: DesiredResource,
  code: string,
  field: string,
  message: string,
  hint?: string,
  severity: Severity = "error",
): Diagnostic {
  return {
    severity,
    code,
    path: formatPath(resource.origin),
    location: input.spec.locate.value(resource.origin),
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
