import type { AzureResource } from "../resources/azure-resource.ts";
import type { DatabricksResource } from "../resources/databricks-resource.ts";
import type { IdentityCheck } from "../resources/identity-check.ts";
import { type KubeObject, resourceKey } from "../resources/kube-object.ts";
import type { Phase } from "./ordering.ts";

/** Where a live object is: enough to read or delete it. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

/**
 * What a step does, as data: the plan can be printed, journaled, compared and replayed (rollback) without code.
 * No action ever holds a secret value: generated secrets carry names, keys and the form of their values only.
 */
export type StepAction =
  | { readonly type: "apply"; readonly object: KubeObject }
  | {
      readonly type: "generate-secret";
      readonly ref: ObjectRef;
      readonly keys: readonly string[];
      readonly length: number;
      readonly formats?: Readonly<Record<string, "fernet">>;
      /** The owner's namespace: copies take their values from there, so every namespace holds the same ones. */
      readonly copyFrom?: string;
    }
  | { readonly type: "require-secret"; readonly ref: ObjectRef; readonly keys: readonly string[] }
  | { readonly type: "delete"; readonly ref: ObjectRef }
  | { readonly type: "verify"; readonly steps: readonly string[] }
  /** An Azure resource made to match (created, updated, or — when `existing` — only read and verified). */
  | { readonly type: "ensure"; readonly resource: AzureResource }
  /** An Azure resource deleted (prune, down); the body may be empty: id, type and apiVersion are what a delete needs. */
  | { readonly type: "remove"; readonly resource: AzureResource }
  /** A workload identity checked in the cluster (resources/identity-check.ts): run, read, reported; nothing kept. */
  | { readonly type: "verify-identity"; readonly check: IdentityCheck }
  /** A Databricks workspace artifact made to match (resources/databricks-resource.ts). */
  | { readonly type: "deploy"; readonly resource: DatabricksResource }
  /** A Databricks workspace artifact deleted (prune, down). */
  | { readonly type: "undeploy"; readonly resource: DatabricksResource };

export interface PlanStep {
  /** Stable across runs: the resource key for objects, so a journal entry finds its step again after a restart. */
  readonly id: string;
  readonly title: string;
  /** Which provider runs the step (`kubernetes`, `azure`): the engine hands it to that provider and knows nothing more. */
  readonly provider: string;
  readonly phase: Phase;
  /** The spec entry it belongs to (`components.postgresql`, `apps.qna`, `platform`): how status groups health. */
  readonly group: string;
  readonly needs: readonly string[];
  readonly wave: number;
  readonly timeoutMs: number;
  readonly action: StepAction;
  /** Hash of the action: a journaled "done" counts only for the same intent. */
  readonly digest: string;
}

export interface Plan {
  readonly version: 1;
  readonly platform: string;
  readonly env: string;
  /** Value of the `berth.dev/instance` label on everything this platform/env owns. */
  readonly instance: string;
  readonly steps: readonly PlanStep[];
  /** How to reach Azure, when the plan has Azure steps: never a credential (those come from the environment). */
  readonly azure?: PlanAzure;
  /**
   * The cluster the Kubernetes steps deploy to, when the plan creates or reads it (an AKS cluster of the spec):
   * berth connects to it through its provider instead of a kubeconfig.
   */
  readonly cluster?: PlanCluster;
  /** Where the lock, history and journal are kept (spec.state); absent: chosen as before (see deploy/target.ts). */
  readonly state?: PlanState;
}

/** spec.state as the deploy needs it: never a credential (those come from the environment). */
export interface PlanState {
  /** Absent: the cluster when the plan deploys to one that exists, local files otherwise. */
  readonly backend?: "cluster" | "local" | "azureBlob";
  readonly azureBlob?: PlanBlobState;
}

export interface PlanBlobState {
  /** One of these two: the account (its endpoint follows from the plan's Azure cloud) or the Blob service URL. */
  readonly storageAccount?: string;
  readonly endpoint?: string;
  readonly container: string;
  readonly prefix?: string;
}

export interface PlanAzure {
  readonly subscriptionId: string;
  readonly tenantId?: string;
  /** A named cloud, or custom endpoints (sovereign clouds, Azure Stack, a test server). */
  readonly cloud: string | { readonly resourceManager: string; readonly authorityHost: string; readonly keyVault?: string };
}

export interface PlanCluster {
  /** The step (resource key) that creates or reads it. */
  readonly step: string;
  /** The provider's id of it (an ARM id). */
  readonly id: string;
  /** Made outside berth (`existing: true`): there before the run, so the lock and history can live in it. */
  readonly existing: boolean;
}

export const refOf = (o: KubeObject): ObjectRef => ({
  apiVersion: o.apiVersion,
  kind: o.kind,
  ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
  name: o.metadata.name,
});

export const describeRef = (r: ObjectRef): string => `${r.kind} ${r.namespace ? `${r.namespace}/` : ""}${r.name}`;

export const refKey = (r: ObjectRef): string =>
  resourceKey({ apiVersion: r.apiVersion, kind: r.kind, metadata: { name: r.name, ...(r.namespace ? { namespace: r.namespace } : {}) } });

/** The object a step acts on, when it acts on one. */
export function stepRef(step: PlanStep): ObjectRef | undefined {
  const a = step.action;
  if (a.type === "apply") return refOf(a.object);
  if (a.type === "verify" || a.type === "ensure" || a.type === "remove" || a.type === "verify-identity" || a.type === "deploy" || a.type === "undeploy") return undefined;
  return a.ref;
}
