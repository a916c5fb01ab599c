import type { SpecPath } from "../spec/path.ts";
import { CLUSTER_SCOPE } from "./identity.ts";

/** A Kubernetes object as berth renders it: plain data, serializable as is. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

export type Provider = "kubernetes";

/**
 * A field of an object that chart users may tune through values.yaml: the object keeps the plain value, the chart
 * template reads it from `.Values` at `values` (whose default is that same value).
 */
export interface Tunable {
  readonly field: readonly (string | number)[];
  readonly values: readonly string[];
}

/**
 * A desired Kubernetes resource (the Kubernetes side of resources/desired.ts' DesiredResource): provider + type +
 * scope + name is its identity (the key); `origin` is the spec path that asked for it, so any problem found in the object can point back into berth.yaml. `group` is the values key that
 * switches it on and off in the chart (`apps.qna`); platform-wide objects have none.
 */
export interface KubeDesired {
  readonly key: string;
  readonly provider: Provider;
  readonly object: KubeObject;
  readonly origin: SpecPath;
  readonly group?: readonly string[];
  readonly tunables?: readonly Tunable[];
  /** Keys of resources that must be done (applied and ready, or completed) first: ordering as data. */
  readonly needs?: readonly string[];
}

export { CLUSTER_SCOPE };

export const resourceKey = (o: KubeObject): string =>
  `kubernetes:${o.apiVersion}/${o.kind}:${o.metadata.namespace ?? CLUSTER_SCOPE}:${o.metadata.name}`;

/** `Deployment mlops/qna`, how objects are named in messages. */
export const describeObject = (o: KubeObject): string =>
  `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`;

export const desired = (
  object: KubeObject,
  origin: SpecPath,
  extra: { group?: readonly string[]; tunables?: readonly Tunable[]; needs?: readonly string[] } = {},
): KubeDesired => ({
  key: resourceKey(object),
  provider: "kubernetes",
  object,
  origin,
  ...(extra.group ? { group: extra.group } : {}),
  ...(extra.tunables?.length ? { tunables: extra.tunables } : {}),
  ...(extra.needs?.length ? { needs: extra.needs } : {}),
});
