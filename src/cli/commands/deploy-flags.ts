/** Flags every cluster command shares, and turning them into a plan and a target. */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { planFor } from "../../index.ts";
import type { DeployTarget } from "../../deploy/target.ts";
import type { RunRecord } from "../../deploy/up.ts";
import { DEFAULT_HISTORY_MAX, digestOf } from "../../engine/revisions.ts";
import { resolveSpecFile } from "../../spec/load-yaml.ts";
import type { Plan } from "../../plan/step.ts";
import { renderText } from "../../diagnostics/render.ts";
import { loadKubeConfig } from "../../providers/kubernetes/kubeconfig.ts";
import type { CliIO } from "../io.ts";

export interface ClusterFlags {
  env?: string;
  set?: string[];
  context?: string;
  kubeconfig?: string;
  stateDir?: string;
  stateNamespace?: string;
  historyMax?: string;
  json?: boolean;
  writeKubeconfig?: boolean;
}

/** `.berth/` beside the spec: the journal a resume needs (the lock and history are in the cluster). */
export function defaultStateDir(path: string): string {
  const full = resolve(path);
  const folder = existsSync(full) && statSync(full).isDirectory() ? full : dirname(full);
  return join(folder, ".berth");
}

export function targetOf(path: string, flags: ClusterFlags & { adopt?: boolean }): DeployTarget {
  return {
    stateDir: flags.stateDir ?? defaultStateDir(path),
    ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}),
    ...(flags.context ? { context: flags.context } : {}),
    ...(flags.adopt ? { adopt: true } : {}),
    ...(flags.stateNamespace ? { stateNamespace: flags.stateNamespace } : {}),
    ...(flags.writeKubeconfig ? { writeKubeconfig: true } : {}),
    historyMax: flags.historyMax === undefined ? DEFAULT_HISTORY_MAX : Number(flags.historyMax),
  };
}

/** Bad --history-max or --state-namespace: a message for exit 2, or undefined when they are fine. */
export function stateFlagProblem(flags: ClusterFlags): string | undefined {
  if (flags.historyMax !== undefined && !/^\d+$/.test(flags.historyMax)) return `--history-max: expected a whole number of revisions to keep (0 keeps all), got "${flags.historyMax}"`;
  if (flags.stateNamespace !== undefined && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(flags.stateNamespace))
    return `--state-namespace: "${flags.stateNamespace}" is not a namespace name (lowercase letters, digits and '-', at most 63)`;
  return undefined;
}

/** What a revision records of this invocation: every --set (masked where secret-like, later) and the spec's digest. */
export function recordOf(path: string, flags: ClusterFlags): RunRecord {
  let specDigest: string | undefined;
  try {
    specDigest = digestOf(readFileSync(resolveSpecFile(path)));
  } catch {
    specDigest = undefined;
  }
  return { set: flags.set ?? [], ...(specDigest ? { specDigest } : {}) };
}

/**
 * The plan, or the build's diagnostics printed (exit 2 follows). The kubeconfig is read here too, so every cluster
 * command refuses a missing file or an unknown context alike (ProviderUnavailable: exit 4), before anything else.
 */
export function planOrReport(path: string, flags: ClusterFlags, io: CliIO): Plan | undefined {
  const plan = planOnly(path, flags, io);
  if (plan && readsKubeconfig(plan)) loadKubeConfig({ ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}), ...(flags.context ? { context: flags.context } : {}) });
  return plan;
}

/**
 * A plan reaches a cluster through the kubeconfig when it has Kubernetes steps or keeps its state in the cluster —
 * unless its cluster is an AKS cluster of the spec, reached through Azure. An Azure-only plan whose state is in
 * local files or a blob container needs no kubeconfig at all.
 */
const readsKubeconfig = (plan: Plan): boolean =>
  !plan.cluster && (plan.steps.some((s) => s.provider === "kubernetes") || plan.state?.backend === "cluster");

/** The plan without looking at the kubeconfig: `plan` shows the order even when the cluster is out of reach. */
export function planOnly(path: string, flags: ClusterFlags, io: CliIO): Plan | undefined {
  if (!flags.env) {
    io.err("berth: --env is required: a deployment is always of one environment");
    return undefined;
  }
  const problem = stateFlagProblem(flags);
  if (problem) {
    io.err(`berth: ${problem}`);
    return undefined;
  }
  const result = planFor({ path, env: flags.env, ...(flags.set ? { set: flags.set } : {}) });
  if (!result.ok || !result.plan) {
    io.err(renderText(result.diagnostics));
    io.err("nothing was deployed: the spec has errors");
    return undefined;
  }
  return result.plan;
}

export const commandLine = (name: string, path: string, flags: ClusterFlags): string => `berth ${name} ${path}${flags.env ? ` --env ${flags.env}` : ""}`;
