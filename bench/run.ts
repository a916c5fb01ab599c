/**
 * npm run bench — berth build against `helm template` of the chart berth generated for the same platform, measured
 * side by side in one run: synthetic platforms of 10, 100, 1,000 and 5,000 apps; wall time (median of 3, berth and helm
 * runs interleaved so a busy machine slows both alike) and peak memory. Targets: berth ≤ 0.6 × helm at 1,000 and at
 * 5,000 apps, and t(5000)/t(1000) ≤ 5.5 (linear growth, with start-up amortised).
 * berth runs through bin/berth.js with the bundle `npm run build` (and `npm ci`) makes, as an installed CLI does; the
 * same command run from the TypeScript sources (BERTH_FROM_SOURCE=1) is reported too, and the load average after each
 * size (the machine may be shared).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ensureHelm } from "../test/support/helm.ts";
import { syntheticSpec } from "./synthetic.ts";

const SIZES = [10, 100, 1000, 5000];
const RUNS = 3;
const TIME = "/usr/bin/time";
const root = resolve(".");
const work = mkdtempSync(join(tmpdir(), "berth-bench-"));
const helmBin = ensureHelm();
const helmHome = mkdtempSync(join(tmpdir(), "berth-bench-helm-"));
const helmEnv = { ...process.env, HELM_CACHE_HOME: join(helmHome, "c"), HELM_CONFIG_HOME: join(helmHome, "f"), HELM_DATA_HOME: join(helmHome, "d") };
const launcher = join(root, "bin/berth.js");

interface Sample {
  seconds: number;
  mb: number;
}

/** Runs a command under GNU time; returns wall seconds and peak RSS in MB. */
function measure(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Sample {
  if (existsSync(TIME)) {
    const r = spawnSync(TIME, ["-f", "%e %M", cmd, ...args], { env, encoding: "utf8", maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed:\n${r.stderr.slice(-2000)}`);
    const [seconds, kb] = r.stderr.trim().split("\n").at(-1)!.split(" ").map(Number);
    return { seconds: seconds!, mb: kb! / 1024 };
  }
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { env, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`${cmd} failed`);
  return { seconds: (performance.now() - t0) / 1000, mb: Number.NaN };
}

const median = (xs: Sample[]): Sample => {
  const sorted = [...xs].sort((a, b) => a.seconds - b.seconds);
  return sorted[Math.floor(sorted.length / 2)]!;
};

const rows: { apps: number; objects: number; berth: Sample; helm: Sample; tsx?: Sample }[] = [];
const loads: string[] = [];
for (const apps of SIZES) {
  const dir = join(work, `platform-${apps}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "berth.yaml"), syntheticSpec(apps));
  const out = join(dir, "out");
  // helm renders the chart the first berth run wrote; then the two alternate.
  const berthRuns = [measure(process.execPath, [launcher, "build", dir, "--out", out])];
  const helmRuns: Sample[] = [];
  for (let i = 0; i < RUNS; i++) {
    helmRuns.push(measure(helmBin, ["template", `bench-${apps}`, join(out, "chart")], helmEnv));
    if (berthRuns.length < RUNS) berthRuns.push(measure(process.execPath, [launcher, "build", dir, "--out", out]));
  }
  const objects = (JSON.parse(readFileSync(join(out, "inventory.json"), "utf8")).objects as unknown[]).length;
  const tsx = apps === 1000 ? median(Array.from({ length: RUNS }, () => measure(process.execPath, [launcher, "build", dir, "--out", out], { ...process.env, BERTH_FROM_SOURCE: "1" }))) : undefined;
  rows.push({ apps, objects, berth: median(berthRuns), helm: median(helmRuns), ...(tsx ? { tsx } : {}) });
  if (existsSync("/proc/loadavg")) loads.push(`${apps}: ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);
}

// berth lint on ~5,000 objects: the manifests of a 560-app platform, read back from YAML files.
const lintDir = join(work, "platform-560");
mkdirSync(lintDir, { recursive: true });
writeFileSync(join(lintDir, "berth.yaml"), syntheticSpec(560));
measure(process.execPath, [launcher, "build", lintDir, "--out", join(lintDir, "out")]);
const lintObjects = (JSON.parse(readFileSync(join(lintDir, "out", "inventory.json"), "utf8")).objects as unknown[]).length;
const lintRun = median(Array.from({ length: RUNS }, () => measure(process.execPath, [launcher, "lint", join(lintDir, "out", "manifests")])));

const f = (n: number, d = 2) => (Number.isNaN(n) ? "n/a" : n.toFixed(d));
console.log(`berth build vs helm template (same chart), median of ${RUNS} runs, node ${process.version}, ${execFileSync(helmBin, ["version", "--short"], { env: helmEnv, encoding: "utf8" }).trim()}`);
console.log("apps   objects   berth s   berth MB   helm s   helm MB   berth/helm");
for (const r of rows)
  console.log(`${String(r.apps).padStart(4)}   ${String(r.objects).padStart(7)}   ${f(r.berth.seconds).padStart(7)}   ${f(r.berth.mb, 0).padStart(8)}   ${f(r.helm.seconds).padStart(6)}   ${f(r.helm.mb, 0).padStart(7)}   ${f(r.berth.seconds / r.helm.seconds).padStart(10)}`);
const row = (n: number) => rows.find((r) => r.apps === n)!;
const t = (n: number) => row(n).berth.seconds;
const verdict = (ok: boolean) => (ok ? "ok" : "OVER TARGET");
for (const n of [1000, 5000]) {
  const ratio = t(n) / row(n).helm.seconds;
  console.log(`berth/helm at ${n} apps: ${f(ratio)} (target ≤ 0.60: ${verdict(ratio <= 0.6)})`);
}
console.log(`growth: t(5000)/t(1000) = ${f(t(5000) / t(1000))} for 5 × the work (target ≤ 5.5: ${verdict(t(5000) / t(1000) <= 5.5)}); helm: ${f(row(5000).helm.seconds / row(1000).helm.seconds)}`);
console.log(`growth: t(1000)/t(100) = ${f(t(1000) / t(100))} (linear would be 10; start-up weighs on the small sizes)`);
const big = row(1000);
console.log(`berth lint of ${lintObjects} objects from YAML files: ${f(lintRun.seconds)} s, ${f(lintRun.mb, 0)} MB (target: under 2 s)`);
if (big.tsx) console.log(`from the TypeScript sources through tsx at 1000 apps: ${f(big.tsx.seconds)} s, ${f(big.tsx.mb, 0)} MB`);
if (loads.length) console.log(`load average after each size (1, 5, 15 min; ${availableParallelism()} cores): ${loads.join("; ")}`);
