/** What the K8S-* rules share: an object's API and the target Kubernetes minor version. */
import type { KubeObject } from "../../resources/kube-object.ts";
import type { CheckInput } from "../check.ts";

/** `apps/v1/Deployment`: how the schema and API tables are keyed. */
export const gvkOf = (o: KubeObject): string => `${o.apiVersion}/${o.kind}`;

export const targetMinor = (input: CheckInput): number => Number(input.facts.kubernetesVersion.split(".")[1]);
