import type { KubeDesired } from "../../resources/kube-object.ts";
import { config, volumes } from "./config.ts";
import { type AppContext } from "./context.ts";
import { identity } from "./identity.ts";
import { ingress } from "./ingress.ts";
import { monitoring } from "./monitoring.ts";
import { appNetworkPolicy } from "./network-policy.ts";
import { autoscaler, disruptionBudget } from "./scaling.ts";
import { services } from "./service.ts";
import { deployments } from "./workload.ts";

/** The builders an app is made of; each reads the app and returns its objects. */
export const APP_BUILDERS: readonly ((ctx: AppContext) => KubeDesired[])[] = [
  identity,
  config,
  volumes,
  deployments,
  services,
  autoscaler,
  disruptionBudget,
  ingress,
  monitoring,
  appNetworkPolicy,
];

/** Every object of an app belongs to its chart group: `apps.<name>.enabled` switches them together. */
export const synthApp = (ctx: AppContext): KubeDesired[] =>
  APP_BUILDERS.flatMap((build) => build(ctx)).map((r) => ({ ...r, group: ["apps", ctx.name] }));
