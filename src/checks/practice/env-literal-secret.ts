/** Credentials never sit in a manifest as literal env values (reliability.md #28). */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { CREDENTIAL_NAME } from "../../spec/formats.ts";
import { defineRule } from "../rule.ts";
import { containersOf, podTemplates } from "../pod-security/pod-spec.ts";

export const envLiteralSecret = defineRule({
  id: "ENV-LITERAL-SECRET",
  severity: "error",
  title: "No credentials as literal env values",
  rationale: "A literal lands in every copy of the manifest (Polaris sensitiveContainerEnvVar).",
  fix: "use valueFrom.secretKeyRef",
  check: (input, rule) => {
    const out: Diagnostic[] = [];
    for (const { resource, pod } of podTemplates(input))
      for (const { container, field } of containersOf(pod.spec))
        ((container as { env?: { name: string; value?: string }[] }).env ?? []).forEach((e, i) => {
          if (e.value && CREDENTIAL_NAME.test(e.name))
            out.push(rule.problem(resource, `${pod.field}${field}.env[${i}]`, `${e.name} holds a literal value that looks like a credential`, "read it from a Secret with valueFrom.secretKeyRef"));
        });
    return out;
  },
});
