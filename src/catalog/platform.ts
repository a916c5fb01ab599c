/**
 * Platform-level objects and the synth entry point: one Namespace per namespace in use, labelled to enforce Pod
 * Security "restricted", each with a default-deny NetworkPolicy; then every app's objects.
 */
import type { ResolvedSpec } from "../spec/resolve.ts";
import { desired, type DesiredResource } from "../resources/kube-object.ts";
import { LABEL, PSS_LABELS } from "../resources/labels.ts";
import { type GeneratedSecret, mergeSecrets } from "../resources/secrets.ts";
import { synthApp } from "./app/index.ts";
import { appContext } from "./app/context.ts";
import { componentContexts, connectionsOf, synthComponents } from "./components/index.ts";

export interface Synthesized {
  readonly resources: DesiredResource[];
  /** Secrets berth generates at deploy time (names, keys, namespaces; never values). */
  readonly secrets: GeneratedSecret[];
}

export function synthPlatform(spec: ResolvedSpec): Synthesized {
  const platform = spec.platform;
  const apps = Object.keys(platform.spec.apps).map((name) => appContext(platform, name, connectionsOf(platform, name)));
  const namespaces = new Map<string, (string | number)[]>();
  for (const ctx of componentContexts(platform)) if (!namespaces.has(ctx.namespace)) namespaces.set(ctx.namespace, ctx.options.namespace ? [...ctx.origin, "namespace"] : ["spec", "namespace"]);
  for (const ctx of apps) if (!namespaces.has(ctx.namespace)) namespaces.set(ctx.namespace, ctx.app.namespace ? [...ctx.origin, "namespace"] : ["spec", "namespace"]);
  const labels = { ...platform.metadata.labels, [LABEL.partOf]: platform.metadata.name, [LABEL.managedBy]: "berth" };
  const out: DesiredResource[] = [];
  for (const [namespace, origin] of namespaces) {
    out.push(
      desired({ apiVersion: "v1", kind: "Namespace", metadata: { name: namespace, labels: { ...labels, ...PSS_LABELS(platform.spec.kubernetes.version) } } }, origin),
      desired(
        {
          apiVersion: "networking.k8s.io/v1",
          kind: "NetworkPolicy",
          metadata: { name: "default-deny", namespace, labels },
          spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
        },
        origin,
      ),
    );
  }
  const components = synthComponents(platform);
  out.push(...components.resources);
  for (const ctx of apps) out.push(...synthApp(ctx));
  return { resources: out, secrets: mergeSecrets(components.secrets) };
}
