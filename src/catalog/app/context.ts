import { imageVersion } from "../../spec/formats.ts";
import { imageOf } from "../image.ts";
import type { SpecPath } from "../../spec/path.ts";
import type { AppSpec, Platform } from "../../spec/schema.ts";
import { LABEL, type Track } from "../../resources/labels.ts";
import type { ConnectionInfo } from "../components/component-type.ts";
import { namespaceOf } from "../../spec/kubernetes-of.ts";

/** Everything an app builder reads: the app, where it lives, and the label sets all builders must agree on. */
export interface AppContext {
  readonly platform: Platform;
  readonly name: string;
  readonly app: AppSpec;
  readonly namespace: string;
  readonly origin: SpecPath;
  /** What each component in `connects` offers this app. */
  readonly connections: readonly ConnectionInfo[];
}

export const appNamespace = (platform: Platform, app: AppSpec): string =>
  namespaceOf(platform, app.namespace);

export const appContext = (platform: Platform, name: string, connections: readonly ConnectionInfo[] = []): AppContext => {
  const app = platform.spec.apps[name]!;
  return { platform, name, app, namespace: appNamespace(platform, app), origin: ["spec", "apps", name], connections };
};

/** Labels on every object of the app. */
export const commonLabels = (ctx: AppContext): Record<string, string> => ({
  ...ctx.platform.metadata.labels,
  ...ctx.app.labels,
  [LABEL.name]: ctx.name,
  [LABEL.partOf]: ctx.platform.metadata.name,
  [LABEL.managedBy]: "berth",
});

/** Labels that identify the app's pods of both tracks (NetworkPolicies, ServiceMonitor). */
export const appSelector = (ctx: AppContext): Record<string, string> => ({
  [LABEL.name]: ctx.name,
  [LABEL.partOf]: ctx.platform.metadata.name,
});

/** Labels that identify one track's pods (Deployment, Service, PDB). Immutable once deployed: never a version. */
export const trackSelector = (ctx: AppContext, track: Track): Record<string, string> => ({
  ...appSelector(ctx),
  [LABEL.track]: track,
});

export const trackName = (ctx: AppContext, track: Track): string => (track === "stable" ? ctx.name : `${ctx.name}-canary`);

export const trackImage = (ctx: AppContext, track: Track): string =>
  imageOf(ctx.platform.spec.azure, track === "canary" && ctx.app.canary ? ctx.app.canary.image : ctx.app.image);

/** Pod template labels: the track selector plus the version running, and the workload-identity switch. */
export const podLabels = (ctx: AppContext, track: Track): Record<string, string> => {
  const version = imageVersion(trackImage(ctx, track));
  return {
    ...commonLabels(ctx),
    ...trackSelector(ctx, track),
    [LABEL.app]: ctx.name,
    [LABEL.shortVersion]: version,
    [LABEL.version]: version,
    ...(ctx.app.identity ? { [LABEL.workloadIdentity]: "true" } : {}),
  };
};

export const configMapName = (ctx: AppContext): string => ctx.app.config?.name ?? `${ctx.name}-config`;
export const claimName = (ctx: AppContext, volume: string): string => `${ctx.name}-${volume}`;
export const tlsSecretName = (ctx: AppContext): string | undefined => {
  const tls = ctx.app.ingress?.tls;
  if (!tls) return undefined;
  return "secretName" in tls ? tls.secretName : `${ctx.name}-tls`;
};

/** The API token is mounted only for apps that were granted API rules. */
export const needsApiToken = (ctx: AppContext): boolean => (ctx.app.rbac?.rules.length ?? 0) > 0;

/** The first port is the app's main port unless a feature names another. */
export const mainPort = (ctx: AppContext) => ctx.app.ports[0]!;
