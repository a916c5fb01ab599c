/**
 * A workload identity check (docs/design/0011, "Workload identity verified"): after the workloads are up, a Job runs
 * berth's checker under a ServiceAccount that carries an identity and reports whether the webhook injected it, the
 * token exchange works and a vault secret it should read can be read. Plain data, like every desired resource: it goes
 * into the plan (its objects carry output tokens until the engine substitutes them) and is run by the
 * `workload-identity` provider (src/providers/workload-identity/).
 */
import type { SpecPath } from "../spec/path.ts";
import type { ObjectRef } from "../plan/step.ts";
import type { KubeObject } from "./kube-object.ts";

export const IDENTITY_CHECK_PROVIDER = "workload-identity";

export interface IdentityCheck {
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly identity: {
    /** Logical name (spec.azure.identities or spec.identities). */
    readonly name: string;
    /** The ARM id, when berth makes or reads the identity: its federated credentials are read from there. */
    readonly id?: string;
    readonly apiVersion?: string;
  };
  /** The cluster's OIDC issuer (an output token of the AKS cluster), when the spec has the cluster. */
  readonly issuer?: string;
  /** The vault secret read, when the identity should read one; absent: the token exchange alone is checked. */
  readonly vault?: {
    readonly name: string;
    readonly id: string;
    readonly secret: string;
    /** Secret-reading roles the plan gives the identity on this vault or above: a 403 then waits for RBAC to propagate. */
    readonly grants: readonly string[];
  };
  /** Why this secret (or why none), said in the result. */
  readonly reading: string;
  /** The workloads running as this ServiceAccount: their pods must carry the identity too. */
  readonly workloads: readonly ObjectRef[];
  /** What the check applies and runs: the checker's ConfigMap, the NetworkPolicy opening its egress, the Job. */
  readonly objects: { readonly configMap: KubeObject; readonly networkPolicy: KubeObject; readonly job: KubeObject };
}

export interface IdentityCheckDesired {
  readonly key: string;
  readonly provider: typeof IDENTITY_CHECK_PROVIDER;
  readonly check: IdentityCheck;
  readonly origin: SpecPath;
  readonly group?: readonly string[];
  /** Keys of what must be done first: the ServiceAccount, its workloads, the federated credential, the role grants. */
  readonly needs?: readonly string[];
}
