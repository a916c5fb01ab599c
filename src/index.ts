/**
 * berth's library API. The CLI is a thin layer over these functions; stages never touch the network.
 *   load → resolve(env) → synth → check → output
 */
import { synthPlatform } from "./catalog/platform.ts";
import { specCheckInput } from "./checks/check.ts";
import { lint, type LintOptions } from "./lint/run.ts";
import { type Diagnostic, hasErrors, uniqueDiagnostics } from "./diagnostics/diagnostic.ts";
import { renderChart } from "./output/chart/index.ts";
import { deliveredResources } from "./output/delivered.ts";
import { renderInventory } from "./output/inventory.ts";
import { type RenderedFile, renderManifests } from "./output/manifests.ts";
import { writeOutput } from "./output/write.ts";
import type { AzureDesired } from "./resources/azure-resource.ts";
import type { DatabricksDesired } from "./resources/databricks-resource.ts";
import { synthDatabricksArtifacts } from "./catalog/databricks/index.ts";
import type { KubeDesired } from "./resources/kube-object.ts";
import type { IdentityCheckDesired } from "./resources/identity-check.ts";
import type { GeneratedSecret } from "./resources/secrets.ts";
import { clusterSecrets } from "./resources/vault-secrets.ts";
import { declaredEnvironments, loadSource, type ResolvedSpec, resolveSpec } from "./spec/resolve.ts";
import { buildPlan, PlanCycleError, UnknownOutputSource } from "./plan/build-plan.ts";
import type { Plan, PlanCluster, PlanState } from "./plan/step.ts";
import type { StateSpec } from "./spec/state-schema.ts";

export type { Diagnostic } from "./diagnostics/diagnostic.ts";
export type { KubeDesired, KubeObject } from "./resources/kube-object.ts";
export type { DesiredResource } from "./resources/desired.ts";
export type { AzureDesired, AzureResource } from "./resources/azure-resource.ts";
export type { Platform } from "./spec/schema.ts";
export { platformJsonSchema } from "./spec/json-schema.ts";
export type { Plan, PlanStep } from "./plan/step.ts";
// Deploying (up, down, status, inspectPlan) is in ./deploy/index.ts: it loads the Kubernetes client, which build
// and lint do not need.

export interface BuildOptions {
  /** berth.yaml, or a folder holding it. */
  readonly path: string;
  readonly env?: string;
  readonly set?: readonly string[];
}

export interface BuildResult {
  readonly ok: boolean;
  readonly diagnostics: Diagnostic[];
  readonly spec?: ResolvedSpec;
  /** Kubernetes objects: what the files are rendered from. */
  readonly resources?: KubeDesired[];
  /** Azure resources: planned and deployed, never rendered as files. */
  readonly azure?: AzureDesired[];
  /** Checks `berth up` runs after deploying (workload identity verified): planned, never rendered as files. */
  readonly checks?: IdentityCheckDesired[];
  /** Databricks workspace artifacts: planned and deployed after the workspace exists, never rendered as files. */
  readonly databricks?: DatabricksDesired[];
  readonly secrets?: GeneratedSecret[];
  readonly files?: RenderedFile[];
}

/** The spec's own suppressions, located where they were written. */
export const specLintOptions = (spec: ResolvedSpec): LintOptions => ({
  ignore: spec.platform.spec.lint.ignore,
  ignoreLocation: (i) => ({ path: `spec.lint.ignore[${i}]`, location: spec.locate.value(["spec", "lint", "ignore", i]) }),
});

/** Renders one environment in memory; nothing is written. */
export function build(options: BuildOptions): BuildResult {
  const loaded = loadSource(options.path);
  if (!loaded.source) return { ok: false, diagnostics: loaded.diagnostics };
  const resolved = resolveSpec(loaded.source, { env: options.env, set: options.set });
  const diagnostics = [...loaded.diagnostics, ...resolved.diagnostics];
  if (!resolved.spec || hasErrors(diagnostics)) return { ok: false, diagnostics: uniqueDiagnostics(diagnostics) };
  const { resources, azure, secrets, checks, diagnostics: synthDiagnostics } = synthPlatform(resolved.spec);
  const { databricks, azure: databricksVault, diagnostics: databricksDiagnostics } = synthDatabricksArtifacts(resolved.spec);
  diagnostics.push(...synthDiagnostics, ...databricksDiagnostics);
  // The vault secrets Databricks reads that the vault synth already plans (the same provided name) come out once.
  const planned = new Set(azure.map((r) => r.key));
  azure.push(...databricksVault.filter((r) => !planned.has(r.key)));
  diagnostics.push(...lint(specCheckInput(resolved.spec, resources, secrets), specLintOptions(resolved.spec)));
  const unique = uniqueDiagnostics(diagnostics);
  if (hasErrors(unique)) return { ok: false, diagnostics: unique, spec: resolved.spec, resources };
  const delivered = deliveredResources(resolved.spec, resources, secrets);
  const files = [
    ...renderManifests(delivered, { platform: resolved.spec.platform.metadata.name, env: options.env }),
    ...renderChart(resolved.spec, delivered, secrets),
    renderInventory(resolved.spec, delivered, secrets),
  ];
  return { ok: true, diagnostics: unique, spec: resolved.spec, resources, azure, secrets, checks, databricks, files };
}

/** Writes a successful build to DIR/manifests/ and DIR/inventory.json; a failed build writes nothing. */
export function writeBuild(result: BuildResult, outDir: string): boolean {
  if (!result.ok || !result.files) return false;
  writeOutput(outDir, result.files);
  return true;
}

export interface PlanResult {
  readonly ok: boolean;
  readonly diagnostics: Diagnostic[];
  readonly plan?: Plan;
}

const MANAGED_CLUSTERS = "Microsoft.ContainerService/managedClusters";

/**
 * The cluster the Kubernetes part deploys to when the spec has one AKS cluster (made by berth or `existing`): then
 * berth connects to it through Azure. Without one, the kubeconfig names the cluster, as before.
 */
function clusterOf(result: BuildResult): PlanCluster | undefined {
  if (!result.spec?.platform.spec.kubernetes || !result.resources?.length) return undefined;
  const clusters = (result.azure ?? []).filter((r) => r.resource.type === MANAGED_CLUSTERS);
  if (clusters.length !== 1) return undefined;
  const c = clusters[0]!;
  return { step: c.key, id: c.resource.id, existing: c.resource.existing === true };
}

/** spec.state as the plan carries it (when it chooses a backend): the azureBlob settings only when they are the backend. */
function planState(state: StateSpec): PlanState {
  const blob = state.backend === "azureBlob" ? state.azureBlob : undefined;
  return {
    ...(state.backend ? { backend: state.backend } : {}),
    ...(blob
      ? {
          azureBlob: {
            ...(blob.storageAccount ? { storageAccount: blob.storageAccount } : {}),
            ...(blob.endpoint ? { endpoint: blob.endpoint } : {}),
            container: blob.container,
            ...(blob.prefix ? { prefix: blob.prefix } : {}),
          },
        }
      : {}),
  };
}

/** Builds one environment and orders what it produced into a deployment plan; nothing touches a cluster. */
export function planFor(options: BuildOptions & { readonly env: string }): PlanResult {
  const result = build(options);
  if (!result.ok || !result.spec) return { ok: false, diagnostics: result.diagnostics };
  const spec = result.spec.platform.spec;
  const cluster = clusterOf(result);
  try {
    const plan = buildPlan({
      platform: result.spec.platform.metadata.name,
      env: options.env,
      resources: [...result.resources!, ...(result.azure ?? []), ...(result.checks ?? []), ...(result.databricks ?? [])],
      secrets: result.secrets ?? [],
      declaredSecrets: clusterSecrets(spec.secrets),
      ...(spec.azure ? { azure: { subscriptionId: spec.azure.subscriptionId, ...(spec.azure.tenantId ? { tenantId: spec.azure.tenantId } : {}), cloud: spec.azure.cloud } } : {}),
      ...(cluster ? { cluster, clusterStep: cluster.step } : {}),
      ...(spec.state?.backend ? { state: planState(spec.state) } : {}),
    });
    return { ok: true, diagnostics: result.diagnostics, plan };
  } catch (error) {
    if (error instanceof UnknownOutputSource)
      return { ok: false, diagnostics: [...result.diagnostics, { severity: "error", code: "PLAN-UNKNOWN-OUTPUT", path: "spec", message: error.message, hint: "refer only to outputs of resources this spec creates or reads" }] };
    if (!(error instanceof PlanCycleError)) throw error;
    return { ok: false, diagnostics: [...result.diagnostics, { severity: "error", code: "PLAN-CYCLE", path: "spec", message: error.message, hint: "remove one of the dependencies (connects, jobs.after) in the cycle" }] };
  }
}

export interface AzurePlansOptions {
  readonly path: string;
  /** The environments to plan; none: every declared one (the base when the spec declares none). */
  readonly envs?: readonly string[];
  readonly set?: readonly string[];
}

export interface AzurePlans {
  readonly ok: boolean;
  readonly diagnostics: Diagnostic[];
  readonly platform?: string;
  /** The spec has a spec.azure section. */
  readonly declaresAzure: boolean;
  /** Each environment ("(base)" for none) and the Azure resources its plan has. */
  readonly environments: { readonly env: string; readonly azure: AzureDesired[] }[];
}

/**
 * The Azure resources each environment's plan has, as `plan` would build them — without rendering or linting the
 * Kubernetes side, which an Azure question (`berth cost`) does not need. Spec errors stop it, as they stop build.
 */
export function azurePlans(options: AzurePlansOptions): AzurePlans {
  const loaded = loadSource(options.path);
  if (!loaded.source) return { ok: false, diagnostics: loaded.diagnostics, declaresAzure: false, environments: [] };
  const envs: (string | undefined)[] = options.envs?.length ? [...options.envs] : declaredEnvironments(loaded.source);
  const diagnostics = [...loaded.diagnostics];
  const environments: { env: string; azure: AzureDesired[] }[] = [];
  let platform: string | undefined;
  let declaresAzure = false;
  for (const env of envs.length ? envs : [undefined]) {
    const resolved = resolveSpec(loaded.source, { env, set: options.set });
    diagnostics.push(...resolved.diagnostics);
    if (!resolved.spec || hasErrors(resolved.diagnostics)) continue;
    const synth = synthPlatform(resolved.spec);
    diagnostics.push(...synth.diagnostics);
    platform = resolved.spec.platform.metadata.name;
    declaresAzure ||= resolved.spec.platform.spec.azure !== undefined;
    environments.push({ env: env ?? "(base)", azure: synth.azure });
  }
  const unique = uniqueDiagnostics(diagnostics);
  return { ok: !hasErrors(unique), diagnostics: unique, ...(platform ? { platform } : {}), declaresAzure, environments };
}

export interface ValidateResult {
  readonly ok: boolean;
  /** Each environment checked ("(base)" when the spec declares none or none was chosen). */
  readonly environments: { readonly env: string; readonly diagnostics: Diagnostic[] }[];
}

/** Checks the base and every declared environment (or the one chosen), exactly as build would. */
export function validate(options: BuildOptions): ValidateResult {
  if (options.env !== undefined) {
    const r = build(options);
    return { ok: r.ok, environments: [{ env: options.env, diagnostics: r.diagnostics }] };
  }
  const loaded = loadSource(options.path);
  if (!loaded.source) return { ok: false, environments: [{ env: "(base)", diagnostics: loaded.diagnostics }] };
  const envs = declaredEnvironments(loaded.source);
  const results = [undefined, ...envs].map((env) => ({ env: env ?? "(base)", result: build({ ...options, env }) }));
  return { ok: results.every((r) => r.result.ok), environments: results.map((r) => ({ env: r.env, diagnostics: r.result.diagnostics })) };
}
