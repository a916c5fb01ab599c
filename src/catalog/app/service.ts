/** A ClusterIP Service per track: the canary gets its own so the ingress can weight traffic between them. */
import { desired, type KubeDesired } from "../../resources/kube-object.ts";
import type { Track } from "../../resources/labels.ts";
import { type AppContext, commonLabels, trackName, trackSelector } from "./context.ts";

export function services(ctx: AppContext): KubeDesired[] {
  const tracks: Track[] = ctx.app.canary ? ["stable", "canary"] : ["stable"];
  return tracks.map((track) =>
    desired(
      {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: trackName(ctx, track), namespace: ctx.namespace, labels: { ...commonLabels(ctx), ...trackSelector(ctx, track) } },
        spec: {
          type: "ClusterIP",
          selector: trackSelector(ctx, track),
          ports: ctx.app.ports.map((p) => ({ name: p.name, port: p.servicePort ?? p.port, targetPort: p.name, protocol: p.protocol })),
        },
      },
      track === "canary" ? [...ctx.origin, "canary"] : ctx.origin,
    ),
  );
}
