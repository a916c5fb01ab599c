/**
 * templates/secrets.yaml: each generated secret, created by the chart itself. A value is looked up in the cluster
 * first (in any of the secret's namespaces) and kept; only when no copy exists is it generated — once per render,
 * then written identically into every namespace. So upgrades never rotate passwords and copies never differ.
 */
import type { GeneratedSecret } from "../../resources/secrets.ts";

const goString = (s: string) => JSON.stringify(s);

export function secretsTemplate(secrets: readonly GeneratedSecret[]): string {
  const blocks = secrets.map((s, i) => {
    const vars = s.keys.map((key, k) => ({ key, v: `$s${i}k${k}` }));
    const lookups = s.keys
      .map((key, k) => {
        const v = `$s${i}k${k}`;
        return [
          `{{- ${v} := "" }}`,
          `{{- range $ns := list ${s.namespaces.map(goString).join(" ")} }}`,
          `{{- $found := lookup "v1" "Secret" $ns ${goString(s.name)} }}`,
          `{{- if and (not ${v}) $found $found.data (hasKey $found.data ${goString(key)}) }}{{- ${v} = index $found.data ${goString(key)} | b64dec }}{{- end }}`,
          `{{- end }}`,
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
