/** ENV-LITERAL-SECRET (reliability.md #28): credentials never sit in a manifest as literal env values. */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { CREDENTIAL_NAME } from "../../spec/formats.ts";
import { type ObjectCheck, objectProblem } from "../check.ts";
import { containersOf, podSpecOf } from "../pod-security/pod-spec.ts";


export const envLiteralSecret: ObjectCheck = (input) => {
  const out: Diagnostic[] = [];
  for (const r of input.resources) {
    const pod = podSpecOf(r.object);
    if (!pod) continue;
    for (const { container, field } of containersOf(pod.spec))
      ((container as { env?: { name: string; value?: string }[] }).env ?? []).forEach((e, i) => {
        if (e.value && CREDENTIAL_NAME.test(e.name))
          out.push(objectProblem(input, r, "ENV-LITERAL-SECRET", `${pod.field}${field}.env[${i}]`, `${e.name} holds a literal value that looks like a credential`, "read it from a Secret with valueFrom.secretKeyRef"));
      });
  }
  return out;
};
