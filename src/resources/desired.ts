/**
 * What a spec asks for, by provider: a Kubernetes object, an Azure resource or a Databricks workspace artifact. Planning takes the union; the
 * Kubernetes-only stages (lint and checks, manifests, chart, inventory, the secret generator) take Kubernetes ones
 * only, so an Azure resource can never reach a writer that would render it as a manifest.
 */
import type { AzureDesired } from "./azure-resource.ts";
import type { DatabricksDesired } from "./databricks-resource.ts";
import type { IdentityCheckDesired } from "./identity-check.ts";
import type { KubeDesired } from "./kube-object.ts";

/** The third kind is a check run after deploying (a workload identity verification Job), never rendered as a file. */
export type DesiredResource = KubeDesired | AzureDesired | IdentityCheckDesired | DatabricksDesired;

export const isKubernetes = (r: DesiredResource): r is KubeDesired => r.provider === "kubernetes";

/** The Kubernetes resources among `resources`: what the Kubernetes writers and checks are given. */
export const kubernetesOnly = (resources: readonly DesiredResource[]): KubeDesired[] => resources.filter(isKubernetes);
