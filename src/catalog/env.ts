import type { IEnvVar } from "kubernetes-models/v1/EnvVar";
import type { EnvValueSpec } from "../spec/schema.ts";
import type { ConnectionInfo } from "./components/component-type.ts";
import { isAzureRef, type AzureRefSpec, type AzureSpec } from "../spec/azure-schema.ts";
import { azureRefValue } from "./azure/ids.ts";

/**
 * Env entries keep the names exactly as written; secrets and config arrive by reference, never by value. A connection
 * URL embeds its password through a `$(VAR)` reference to a helper variable declared before it, as Kubernetes requires.
 */
export function renderEnv(env: Record<string, EnvValueSpec>, from: { connections: readonly ConnectionInfo[]; configMap?: string; azure?: AzureSpec }): IEnvVar[] {
  const helpers: IEnvVar[] = [];
  const entries = Object.entries(env).map(([name, value]): IEnvVar => {
    if (typeof value === "string") return { name, value };
    if ("config" in value) return { name, valueFrom: { configMapKeyRef: { name: from.configMap!, key: value.config } } };
    if ("secret" in value) return { name, valueFrom: { secretKeyRef: { name: value.secret, key: value.key } } };
    if (isAzureRef(value)) return { name, value: azureRefValue(from.azure!, value as AzureRefSpec) };
    if ("from" in value) {
      const c = from.connections.find((x) => x.provider === value.from)!;
      if (value.value === "password") return { name, valueFrom: { secretKeyRef: { name: c.password!.name, key: c.password!.key } } };
      if (value.value === "user" && c.userRef) return { name, valueFrom: { secretKeyRef: { name: c.userRef.name, key: c.userRef.key } } };
      if (value.value === "url" && !c.url!.includes("{password}")) return { name, value: c.url! };
      if (value.value === "url") {
        const prefix = `BERTH_${c.provider.toUpperCase().replace(/-/g, "_")}`;
        const helper = (suffix: string, ref: { name: string; key: string }) => {
          if (!helpers.some((h) => h.name === `${prefix}_${suffix}`)) helpers.push({ name: `${prefix}_${suffix}`, valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } } });
          return `$(${prefix}_${suffix})`;
        };
        let url = c.url!.replace("{password}", helper("PASSWORD", c.password!));
        if (url.includes("{user}")) url = url.replace("{user}", helper("USER", c.userRef!));
        return { name, value: url };
      }
      const plain = { host: c.host, port: String(c.port), database: c.database, user: c.user }[value.value];
      return { name, value: plain ?? "" };
    }
    return { name, valueFrom: { fieldRef: { fieldPath: value.field } } };
  });
  return [...helpers, ...entries];
}
