/**
 * A ServiceMonitor that selects the app's Services (both tracks) by label and scrapes the named metrics port, keeping
 * only `keepMetrics` when given; alerts go into a PrometheusRule labelled for the Prometheus rule selector.
 */
import { desired, type KubeDesired } from "../../resources/kube-object.ts";
import { type AppContext, appSelector, commonLabels } from "./context.ts";
import { kubernetesOf } from "../../spec/kubernetes-of.ts";

export function monitoring(ctx: AppContext): KubeDesired[] {
  const mon = ctx.app.monitoring;
  const prometheus = kubernetesOf(ctx.platform).prometheus;
  if (!mon || !prometheus) return [];
  const origin = [...ctx.origin, "monitoring"];
  const labels = { ...commonLabels(ctx), ...prometheus.selectorLabels };
  const out: KubeDesired[] = [
    desired(
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: { name: ctx.name, namespace: ctx.namespace, labels },
        spec: {
          selector: { matchLabels: appSelector(ctx) },
          namespaceSelector: { matchNames: [ctx.namespace] },
          endpoints: [
            {
              port: mon.port,
              path: mon.path,
              interval: mon.interval,
              ...(mon.keepMetrics
                ? { metricRelabelings: [{ sourceLabels: ["__name__"], regex: `(${[...mon.keepMetrics].sort().join("|")})`, action: "keep" }] }
                : {}),
            },
          ],
        },
      },
      origin,
    ),
  ];
  if (mon.alerts.length) {
    out.push(
      desired(
        {
          apiVersion: "monitoring.coreos.com/v1",
          kind: "PrometheusRule",
          metadata: { name: ctx.name, namespace: ctx.namespace, labels },
          spec: {
            groups: [
              {
                name: `${ctx.name}.rules`,
                rules: mon.alerts.map((a) => ({
                  alert: a.name,
                  expr: a.expr,
                  for: a.for,
                  labels: { severity: a.severity, app: ctx.name },
                  annotations: { summary: a.summary, ...(a.description ? { description: a.description } : {}) },
                })),
              },
            ],
          },
        },
        [...origin, "alerts"],
      ),
    );
  }
  return out;
}
