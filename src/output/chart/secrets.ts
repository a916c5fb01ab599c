/**
 * templates/secrets.yaml: each generated secret, created by the chart itself. Where a value comes from, in order:
 *   1. values `secrets.<name>.existingSecret`: a secret the user already has (same keys), read with lookup;
 *   2. the chart's own secret from an earlier release, in any of its namespaces (kept on upgrade);
 *   3. generated once per render.
 * Then it is written identically into every namespace. So upgrades never rotate passwords and copies never differ.
 * When an existing secret is named but missing while helm talks to a cluster, the install fails instead of inventing
 * a password; offline (`helm template`) lookups return nothing and a value is generated.
 */
import type { GeneratedSecret } from "../../resources/secrets.ts";

const goString = (s: string) => JSON.stringify(s);

export function secretsTemplate(secrets: readonly GeneratedSecret[]): string {
  const blocks = secrets.map((s, i) => {
    const vars = s.keys.map((key, k) => ({ key, v: `$s${i}k${k}` }));
    const namespaces = s.namespaces.map(goString).join(" ");
    const existing = `(index $.Values "secrets" ${goString(s.name)} "existingSecret")`;
    const lookups = s.keys
      .map((key, k) => {
        const v = `$s${i}k${k}`;
        const readFrom = (name: string) => [
          `{{- range $ns := list ${namespaces} }}`,
          `{{- $found := lookup "v1" "Secret" $ns ${name} }}`,
          `{{- if and (not ${v}) $found $found.data (hasKey $found.data ${goString(key)}) }}{{- ${v} = index $found.data ${goString(key)} | b64dec }}{{- end }}`,
          `{{- end }}`,
        ];
        return [
          `{{- ${v} := "" }}`,
          `{{- if ${existing} }}`,
          ...readFrom(existing),
          `{{- if and (not ${v}) (lookup "v1" "Namespace" "" "kube-system") }}{{- fail (printf "values.secrets.${s.name}.existingSecret: secret %s has no key ${key} in namespaces ${s.namespaces.join(", ")}" ${existing}) }}{{- end }}`,
          `{{- end }}`,
          ...readFrom(goString(s.name)),
          s.formats?.[key] === "fernet"
            ? `{{- if not ${v} }}{{- ${v} = randAlphaNum 32 | b64enc | replace "+" "-" | replace "/" "_" }}{{- end }}`
            : `{{- if not ${v} }}{{- ${v} = randAlphaNum ${s.length} }}{{- end }}`,
        ].join("\n");
      })
      .join("\n");
    const copies = s.namespaces
      .map(
        (ns) => `---
apiVersion: v1
kind: Secret
metadata:
  name: ${s.name}
  namespace: ${ns}
  labels:
    app.kubernetes.io/managed-by: berth
  annotations:
    helm.sh/resource-policy: keep
type: Opaque
data:
${vars.map(({ key, v }) => `  ${key}: {{ ${v} | b64enc | quote }}`).join("\n")}
`,
      )
      .join("");
    const body = `${lookups}\n${copies}`;
    return s.group ? `{{- if index .Values ${s.group.map(goString).join(" ")} "enabled" }}\n${body}{{- end }}\n` : body;
  });
  return blocks.join("");
}
