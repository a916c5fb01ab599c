/** Public types of the test API server (re-exported by index.ts). */
import type { Clock } from "../../../src/util/clock.ts";
import type { VirtualClock } from "../clock.ts";
import type { WebhookConfig } from "./workload-identity-webhook.ts";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = Record<string, any>;

export interface ObjectRef {
  kind: string;
  namespace?: string;
  name: string;
}

export interface RequestMatch {
  method?: string;
  path?: RegExp;
}

export type Fault =
  | { type: "image-pull"; object: ObjectRef }
  | { type: "crash-loop"; object: ObjectRef }
  | { type: "oom"; object: ObjectRef }
  | { type: "job-failure"; object: ObjectRef }
  | { type: "progress-deadline"; object: ObjectRef }
  | { type: "slow-pvc"; object: ObjectRef; delayMs: number }
  | { type: "never-ready"; object: ObjectRef }
  | { type: "http"; match: RequestMatch; status: number; count: number; retryAfterSeconds?: number }
  | { type: "drop"; match: RequestMatch; count: number }
  | { type: "unauthorized-once" };

export type WorkloadFault = Extract<Fault, { object: ObjectRef }>;
export type RequestFault = Exclude<Fault, { object: ObjectRef }>;

export interface Scenario {
  /** ms from an object's create/update until its controller reports it ready, per kind. */
  readyAfterMs?: Partial<Record<string, number>>;
  /** added to every request before answering */
  requestLatencyMs?: number;
  faults?: Fault[];
  /**
   * What is installed from the start: "default" (the monitoring.coreos.com and cert-manager.io CRDs), "none", or a
   * list of sets — "default", "secrets-store-csi" (the CSI driver and its CRDs), "external-secrets" (ESO's CRDs).
   */
  crds?: "default" | "none" | readonly ("default" | "secrets-store-csi" | "external-secrets")[];
  /**
   * The Secrets Store CSI driver's provider, for pods mounting a `secrets-store.csi.k8s.io` volume (csi.ts): the
   * value of one object of a SecretProviderClass, or the error text the provider would report (a Key Vault 403).
   */
  csi?: CsiProvider;
  /** How many changes are kept for resuming watches (default 2000); older versions get 410 Gone. */
  watchHistory?: number;
  /** The time simulated controllers run on: a fresh auto-advancing VirtualClock unless given (the system clock for benchmarks). */
  clock?: Clock | VirtualClock;
  /**
   * AKS workload identity: the mutating webhook at pod creation (workload-identity-webhook.ts), and the OIDC issuer
   * of the service account tokens the kubelet projects (the AKS cluster's oidcIssuerProfile.issuerURL; a function
   * is asked each time a token is made, so it can follow a cluster created later).
   */
  workloadIdentity?: { readonly webhook: WebhookConfig; readonly issuer: string | (() => string | undefined) };
  /**
   * Containers whose image matches are run for real by the kubelet, as `node` child processes (container-runner.ts);
   * `env` is added to theirs (NODE_EXTRA_CA_CERTS for a test server's certificate).
   */
  containerRunner?: { readonly images: readonly (string | RegExp)[]; readonly env?: Readonly<Record<string, string>> };
}

export interface CsiProvider {
  fetch(spc: Obj, objectName: string, pod: Obj): string | { error: string };
}

export interface RequestRecord {
  method: string;
  path: string;
  query: string;
  status: number;
  contentType?: string;
  at: number;
}

export interface KubeApiServer {
  readonly url: string;
  /** The server's time: share it with the code under test so both see the same virtual time. */
  readonly clock: Clock | VirtualClock;
  readonly requests: RequestRecord[];
  writeKubeconfig(dir: string, options?: { context?: string; token?: string }): string;
  addFault(fault: Fault): void;
  setScenario(s: Scenario): void;
  /** Changes some scenario fields, keeping the others and the faults' progress (link a server started later). */
  updateScenario(patch: Partial<Scenario>): void;
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): Record<string, any> | undefined;
  list(apiVersion?: string, kind?: string): Record<string, any>[];
  seed(object: Record<string, any>): void;
  /** Ends every open watch stream, as an API server does at its watch timeout or on restart. */
  endWatches(): void;
  close(): Promise<void>;
}
