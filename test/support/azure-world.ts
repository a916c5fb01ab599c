/**
 * An AKS platform deployed in-process against the Kubernetes and Azure test servers on one virtual clock, linked for
 * workload identity (the webhook, Entra's federation): the plan of `spec`/`env` pointed at the Azure server, a target
 * whose Azure provider shares the clock, the engine's events kept, and `up` bound to them.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { DeployTarget } from "../../src/deploy/target.ts";
import { up } from "../../src/deploy/up.ts";
import type { EngineEvent } from "../../src/engine/events.ts";
import { planFor } from "../../src/index.ts";
import type { Plan } from "../../src/plan/step.ts";
import { type Scenario, startAzureApiServer } from "./azure-api-server/index.ts";
import { azureProviderFor } from "./azure-api-server/testing.ts";
import type { AzureApiServer } from "./azure-api-server/types.ts";
import { tempDir } from "./cli.ts";
import { VirtualClock } from "./clock.ts";
import { azureSets } from "./deploy.ts";
import { type KubeApiServer, startKubeApiServer } from "./kube-api-server/index.ts";
import { linkWorkloadIdentity } from "./workload-identity.ts";

const FIC = "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials";

export interface AzureWorld {
  readonly clock: VirtualClock;
  readonly azure: AzureApiServer;
  readonly kube: KubeApiServer;
  readonly plan: Plan;
  readonly target: DeployTarget;
  readonly events: EngineEvent[];
  /** `berth up spec --env env` in-process; every event is kept, and also given to `onEvent`. */
  up(onEvent?: (e: EngineEvent) => void): ReturnType<typeof up>;
  close(): Promise<void>;
}

export async function azureWorld(spec: string, env: string, scenario: Scenario = {}): Promise<AzureWorld> {
  const clock = new VirtualClock();
  const kube = await startKubeApiServer({ readyAfterMs: {}, clock });
  const azure = await startAzureApiServer({ clock, kubernetes: { server: kube.url }, retryAfterSeconds: 5, latency: { [FIC]: 0 }, ...scenario });
  linkWorkloadIdentity(kube, azure);
  const planned = planFor({ path: spec, env, set: azureSets(azure) });
  assert.ok(planned.plan, JSON.stringify(planned.diagnostics, null, 2));
  const plan = planned.plan;
  const target: DeployTarget = { stateDir: join(tempDir("berth-azure-world-"), "state"), clock, providers: { azure: azureProviderFor(azure, plan.instance, clock) } };
  const events: EngineEvent[] = [];
  return {
    clock,
    azure,
    kube,
    plan,
    target,
    events,
    up: (onEvent) => up(plan, target, { onEvent: (e) => (events.push(e), onEvent?.(e)), command: `berth up ${spec} --env ${env}` }),
    close: async () => {
      await azure.close();
      await kube.close();
    },
  };
}
