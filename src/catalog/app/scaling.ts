/** HorizontalPodAutoscaler (autoscaling/v2) and PodDisruptionBudget for the stable track. */
import { desired, type KubeDesired } from "../../resources/kube-object.ts";
import { type AppContext, commonLabels, trackSelector } from "./context.ts";

export function autoscaler(ctx: AppContext): KubeDesired[] {
  const a = ctx.app.autoscale;
  if (!a) return [];
  const utilization = (name: "cpu" | "memory", value: number | undefined) =>
    value === undefined ? [] : [{ type: "Resource", resource: { name, target: { type: "Utilization", averageUtilization: value } } }];
  return [
    desired(
      {
        apiVersion: "autoscaling/v2",
        kind: "HorizontalPodAutoscaler",
        metadata: { name: ctx.name, namespace: ctx.namespace, labels: commonLabels(ctx) },
        spec: {
          scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: ctx.name },
          minReplicas: a.min,
          maxReplicas: a.max,
          metrics: [
            ...utilization("cpu", a.cpu),
            ...utilization("memory", a.memory),
            ...a.pods.map((m) => ({ type: "Pods", pods: { metric: { name: m.metric }, target: { type: "AverageValue", averageValue: m.averageValue } } })),
          ],
        },
      },
      [...ctx.origin, "autoscale"],
    ),
  ];
}

export function disruptionBudget(ctx: AppContext): KubeDesired[] {
  const { app } = ctx;
  const least = app.autoscale ? app.autoscale.min : app.replicas;
  // With a single replica, a budget would either block every drain or promise nothing.
  if (!app.disruption && least < 2) return [];
  return [
    desired(
      {
        apiVersion: "policy/v1",
        kind: "PodDisruptionBudget",
        metadata: { name: ctx.name, namespace: ctx.namespace, labels: commonLabels(ctx) },
        spec: { maxUnavailable: app.disruption?.maxUnavailable ?? 1, selector: { matchLabels: trackSelector(ctx, "stable") } },
      },
      app.disruption ? [...ctx.origin, "disruption"] : ctx.origin,
    ),
  ];
}
