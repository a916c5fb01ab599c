/**
 * A cluster stopped (or started) after every step that uses it — seed 001 stops its clusters once deployed. Terminate
 * is clusters/delete (the cluster is kept, only stopped), start is clusters/start; both are harmless to repeat. A
 * cluster is terminated only when this run brought it up (its cluster step's `started_by_berth` output, read through
 * the `startedBy` token): one a scheduled job or a user started is left running — stopping it would kill their run,
 * and every up would write. The cluster itself belongs to its cluster step: removing this step deletes nothing.
 */
import type { ClusterStateResource } from "../../../resources/databricks-resource.ts";
import { outputRefsIn } from "../../../resources/outputs.ts";
import { failed, ready, waiting } from "../../../readiness/verdict.ts";
import type { KindModule } from "../kind.ts";
import { CLUSTERS_API, clusterVerdict, INVALID_STATE_MS, NOT_STARTED, readCluster } from "./cluster.ts";

const WANTED = { terminated: "TERMINATED", running: "RUNNING" } as const;
/** Already on the way there: nothing to ask. */
const ON_THE_WAY: Readonly<Record<ClusterStateResource["state"], readonly string[]>> = {
  terminated: ["TERMINATED", "TERMINATING"],
  running: ["RUNNING", "PENDING", "RESTARTING", "RESIZING"],
};

/** Why a running cluster is left running, or undefined when it is this step's to stop (or not known yet: a token). */
const leftRunning = (r: ClusterStateResource): string | undefined => {
  if (r.state !== "terminated" || (r.startedBy !== undefined && outputRefsIn(r.startedBy).length)) return undefined;
  if (r.startedBy !== undefined && r.startedBy !== NOT_STARTED) return undefined;
  return "this run did not start it (a job or a user did): left running";
};

export const clusterStateKind: KindModule<ClusterStateResource> = {
  async inspect(r, ctx) {
    const to = WANTED[r.state];
    // The cluster is created in this run: its id is known after that step.
    if (outputRefsIn(r.clusterId).length) return { exists: true, ownership: "ours", changes: [{ field: "state", to }], intentChanged: true };
    const live = await readCluster(ctx.api, r.clusterId);
    if (!live) return { exists: false, ownership: "absent", changes: [{ field: "state", to }], intentChanged: true };
    const state = String(live.state ?? "UNKNOWN");
    const changes = ON_THE_WAY[r.state].includes(state) || leftRunning(r) ? [] : [{ field: "state", from: state, to }];
    return { exists: true, ownership: "ours", changes, intentChanged: changes.length > 0 };
  },

  async run(r, _live, ctx, progress) {
    const live = await readCluster(ctx.api, r.clusterId, progress);
    if (!live) throw new Error(`cluster ${r.cluster} (${r.clusterId}) does not exist`);
    const state = String(live.state ?? "UNKNOWN");
    if (ON_THE_WAY[r.state].includes(state)) return { did: `already ${state}`, mutated: false };
    const left = leftRunning(r);
    if (left) return { did: `${state}: ${left}`, mutated: false };
    const terminate = r.state === "terminated";
    await ctx.api.post({
      path: `${CLUSTERS_API}/${terminate ? "delete" : "start"}`,
      body: { cluster_id: r.clusterId },
      operation: `${terminate ? "terminate" : "start"} cluster ${r.key}`,
      idempotent: true,
      retryInvalidStateMs: INVALID_STATE_MS,
      progress,
    });
    return { did: terminate ? "terminating" : "starting", mutated: true };
  },

  async check(r, ctx) {
    if (outputRefsIn(r.clusterId).length) return { ...waiting("the cluster is not created yet"), reason: "NotFound" };
    const live = await readCluster(ctx.api, r.clusterId);
    if (!live) return failed("NotFound", `cluster ${r.clusterId} does not exist`);
    const state = String(live.state ?? "UNKNOWN");
    if (r.state === "terminated") {
      if (state === "TERMINATED") return ready("TERMINATED");
      if (state === "ERROR") return clusterVerdict({ key: r.key, state: "terminated" }, live, true);
      const left = leftRunning(r);
      return left ? ready(`${state}: ${left}`) : waiting(state);
    }
    return clusterVerdict({ key: r.key, state: "running" }, live, true);
  },

  async remove() {
    return { did: "nothing to delete (the cluster's own step deletes it)", mutated: false };
  },
};
