/** The stable Deployment and, with a canary, the canary Deployment beside it. */
import type { IContainer } from "kubernetes-models/v1/Container";
import type { IProbe } from "kubernetes-models/v1/Probe";
import type { IVolume } from "kubernetes-models/v1/Volume";
import type { IVolumeMount } from "kubernetes-models/v1/VolumeMount";
import { desired, type KubeDesired, type Tunable } from "../../resources/kube-object.ts";
import type { Track } from "../../resources/labels.ts";
import { securePodSpec, writableVolumes } from "../../resources/pod.ts";
import { renderEnv } from "../env.ts";
import type { ProbeSpec } from "../../spec/schema.ts";
import { type AppContext, claimName, commonLabels, configMapName, mainPort, needsApiToken, podLabels, trackImage, trackName, trackSelector } from "./context.ts";

export function deployments(ctx: AppContext): KubeDesired[] {
  const tracks: Track[] = ctx.app.canary ? ["stable", "canary"] : ["stable"];
  return tracks.map((track) => desired(deployment(ctx, track), track === "canary" ? [...ctx.origin, "canary"] : ctx.origin, { tunables: tunables(ctx, track) }));
}

/** What a chart user may change per app: the image and replica count of each track, and the container resources. */
function tunables(ctx: AppContext, track: Track): Tunable[] {
  const container = ["spec", "template", "spec", "containers", 0];
  const values = track === "canary" ? ["apps", ctx.name, "canary"] : ["apps", ctx.name];
  return [
    { field: [...container, "image"], values: [...values, "image"] },
    { field: [...container, "resources"], values: ["apps", ctx.name, "resources"] },
    ...(track === "canary" || !ctx.app.autoscale ? [{ field: ["spec", "replicas"], values: [...values, "replicas"] }] : []),
  ];
}

function deployment(ctx: AppContext, track: Track) {
  const { app } = ctx;
  const replicas = track === "canary" ? app.canary!.replicas : app.autoscale ? undefined : app.replicas;
  const spread = (track === "canary" ? app.canary!.replicas : app.autoscale?.max ?? app.replicas) > 1;
  const writable = writableVolumes(app.security.writablePaths);
  const volumes: IVolume[] = [...writable.volumes];
  const mounts: IVolumeMount[] = [...writable.mounts];
  if (app.config?.mountPath) {
    volumes.push({ name: "config", configMap: { name: configMapName(ctx) } });
    mounts.push({ name: "config", mountPath: app.config.mountPath, readOnly: true });
  }
  for (const [name, v] of Object.entries(app.volumes)) {
    volumes.push({ name, persistentVolumeClaim: { claimName: claimName(ctx, name), ...(v.readOnly ? { readOnly: true } : {}) } });
    mounts.push({ name, mountPath: v.mountPath, ...(v.readOnly ? { readOnly: true } : {}) });
  }
  const container: IContainer = {
    name: ctx.name,
    image: trackImage(ctx, track),
    imagePullPolicy: "IfNotPresent",
    ...(app.command ? { command: app.command } : {}),
    ...(app.args ? { args: app.args } : {}),
    ports: app.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: p.protocol })),
    ...(Object.keys(app.env).length ? { env: renderEnv(app.env, { connections: ctx.connections, configMap: configMapName(ctx), azure: ctx.platform.spec.azure }) } : {}),
    resources: {
      requests: quantities(app.resources.requests),
      limits: quantities(app.resources.limits),
    },
    ...(app.probes.startup ? { startupProbe: probe(ctx, app.probes.startup) } : {}),
    livenessProbe: probe(ctx, app.probes.liveness),
    readinessProbe: probe(ctx, app.probes.readiness),
    volumeMounts: mounts,
  };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: trackName(ctx, track), namespace: ctx.namespace, labels: { ...commonLabels(ctx), ...trackSelector(ctx, track) } },
    spec: {
      ...(replicas !== undefined ? { replicas } : {}),
      revisionHistoryLimit: 5,
      selector: { matchLabels: trackSelector(ctx, track) },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels: podLabels(ctx, track) },
        spec: securePodSpec({
          serviceAccountName: ctx.name,
          automountServiceAccountToken: needsApiToken(ctx),
          identity: app.security,
          containers: [container],
          volumes,
          ...(spread ? { topologySpread: trackSelector(ctx, track) } : {}),
        }),
      },
    },
  };
}

const quantities = (q: { cpu: string; memory: string; ephemeralStorage?: string | undefined }) => ({
  cpu: q.cpu,
  memory: q.memory,
  ...(q.ephemeralStorage ? { "ephemeral-storage": q.ephemeralStorage } : {}),
});

function probe(ctx: AppContext, p: ProbeSpec): IProbe {
  const port = p.port ?? mainPort(ctx).name;
  return {
    ...(p.type === "http" ? { httpGet: { path: p.path!, port } } : { tcpSocket: { port } }),
    ...(p.initialDelaySeconds !== undefined ? { initialDelaySeconds: p.initialDelaySeconds } : {}),
    periodSeconds: p.periodSeconds,
    timeoutSeconds: p.timeoutSeconds,
    failureThreshold: p.failureThreshold,
  };
}

