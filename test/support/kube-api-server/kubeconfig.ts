/** A kubeconfig for the test server (plain http; insecure-skip-tls-verify set as the brief asks, a bearer token user). */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";

export function writeKubeconfig(url: string, dir: string, options: { context?: string; token?: string } = {}): string {
  const context = options.context ?? "test";
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: context, cluster: { server: url, "insecure-skip-tls-verify": true } }],
    users: [{ name: `${context}-user`, user: { token: options.token ?? "berth-test-token" } }],
    contexts: [{ name: context, context: { cluster: context, user: `${context}-user`, namespace: "default" } }],
    "current-context": context,
    preferences: {},
  };
  mkdirSync(dir, { recursive: true });
  const path = join(dir, context === "test" ? "kubeconfig" : `kubeconfig-${context}`);
  writeFileSync(path, stringify(config), { mode: 0o600 });
  return path;
}
