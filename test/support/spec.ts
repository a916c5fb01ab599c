import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { build, type BuildResult } from "../../src/index.ts";
import { tempDir } from "./cli.ts";

/** Builds an inline spec written to a temporary berth.yaml. */
export function buildText(text: string, options: { env?: string; set?: string[] } = {}): BuildResult {
  const file = join(tempDir(), "berth.yaml");
  writeFileSync(file, text);
  return build({ path: file, ...options });
}

export const codes = (r: BuildResult, severity: "error" | "warning" = "error"): string[] =>
  r.diagnostics.filter((d) => d.severity === severity).map((d) => d.code).sort();

/** A minimal valid platform; `apps` is YAML indented under spec.apps, `cluster` under spec.kubernetes. */
export const platform = (apps: string, cluster = "", extra = ""): string => `apiVersion: berth.dev/v1alpha1
kind: Platform
metadata:
  name: shop
spec:
  kubernetes:
    namespace: shop
    version: "1.31"
${cluster.replace(/^/gm, "    ")}
${extra.replace(/^/gm, "  ")}
  apps:
${apps.replace(/^/gm, "    ")}
`;

export const WEB = `web:
  image: ghcr.io/acme/web:1.2.3
  ports: [{ name: http, port: 8080 }]
  probes: { liveness: { path: /live }, readiness: { path: /ready } }
`;
