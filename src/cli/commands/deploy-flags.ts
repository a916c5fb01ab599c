/** Flags every cluster command shares, and turning them into a plan and a target. */
import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { planFor } from "../../index.ts";
import type { DeployTarget } from "../../deploy/target.ts";
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
  json?: boolean;
}

/** `.berth/` beside the spec. */
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
  };
}

/**
 * The plan, or the build's diagnostics printed (exit 2 follows). The kubeconfig is read here too, so every cluster
 * command refuses a missing file or an unknown context alike (ProviderUnavailable: exit 4), before anything else.
 */
export function planOrReport(path: string, flags: ClusterFlags, io: CliIO): Plan | undefined {
  const plan = planOnly(path, flags, io);
  if (plan) loadKubeConfig({ ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}), ...(flags.context ? { context: flags.context } : {}) });
  return plan;
}

/** The plan without looking at the kubeconfig: `plan` shows the order even when the cluster is out of reach. */
export function planOnly(path: string, flags: ClusterFlags, io: CliIO): Plan | undefined {
  if (!flags.env) {
    io.err("berth: --env is required: a deployment is always of one environment");
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
