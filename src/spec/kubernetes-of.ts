import type { KubernetesSpec, Platform } from "./schema.ts";

/**
 * The cluster section, for code that renders Kubernetes objects. A platform may be Azure-only, but the spec rules
 * refuse apps, components and jobs without `spec.kubernetes`, so Kubernetes synth never runs without it.
 */
export function kubernetesOf(platform: Platform): KubernetesSpec {
  const k8s = platform.spec.kubernetes;
  if (!k8s) throw new Error("internal: Kubernetes objects were rendered for a platform without spec.kubernetes");
  return k8s;
}

/** The namespace an app, component or job runs in: its own (an alias of spec.kubernetes.namespaces, or a name), else the default. */
export function namespaceOf(platform: Platform, value: string | undefined): string {
  const k8s = platform.spec.kubernetes;
  return value === undefined ? (k8s?.namespace ?? platform.metadata.name) : (k8s?.namespaces[value] ?? value);
}
