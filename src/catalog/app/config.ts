/** The app's ConfigMap and its PersistentVolumeClaims. */
import { desired, type KubeDesired } from "../../resources/kube-object.ts";
import { type AppContext, claimName, commonLabels, configMapName } from "./context.ts";
import { kubernetesOf } from "../../spec/kubernetes-of.ts";

export function config(ctx: AppContext): KubeDesired[] {
  if (!ctx.app.config) return [];
  return [
    desired(
      {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: configMapName(ctx), namespace: ctx.namespace, labels: commonLabels(ctx) },
        data: ctx.app.config.data,
      },
      [...ctx.origin, "config"],
    ),
  ];
}

export function volumes(ctx: AppContext): KubeDesired[] {
  const storageClass = kubernetesOf(ctx.platform).defaultStorageClass;
  return Object.entries(ctx.app.volumes).map(([name, v]) =>
    desired(
      {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: { name: claimName(ctx, name), namespace: ctx.namespace, labels: commonLabels(ctx) },
        spec: { accessModes: [v.accessMode], storageClassName: v.storageClass ?? storageClass, resources: { requests: { storage: v.size } } },
      },
      [...ctx.origin, "volumes", name],
      {
        tunables: [
          { field: ["spec", "resources", "requests", "storage"], values: ["apps", ctx.name, "persistence", name, "size"] },
          { field: ["spec", "storageClassName"], values: ["apps", ctx.name, "persistence", name, "storageClass"] },
        ],
      },
    ),
  );
}
