/**
 * The kind table: which module deploys each Databricks resource kind. The provider looks a step's kind up here and
 * knows nothing more about it. `listedForPrune` says how `owned` finds what berth made of a kind: by its tags in the
 * workspace (the module's own `owned`), from the resources of earlier plans that still exist (`remembered`), or not
 * at all (a kind that belongs to another step's object: its removal deletes nothing of its own).
 */
import type { DatabricksKind, DatabricksResource } from "../../../resources/databricks-resource.ts";
import type { KindModule } from "../kind.ts";
import { clusterKind } from "./cluster.ts";
import { clusterStateKind } from "./cluster-state.ts";
import { jobKind } from "./job.ts";

export interface KindRow {
  readonly module: KindModule<any>;
  readonly listedForPrune: "tagged" | "remembered" | "never";
}

/** Until its module is written: every call says so (the step fails with that message, nothing is sent). */
const notYet = (kind: DatabricksKind): KindModule<DatabricksResource> => {
  const fail = async (): Promise<never> => {
    throw new Error(`the Databricks ${kind} kind is not implemented yet`);
  };
  return { inspect: fail, run: fail, check: fail, remove: fail };
};

export const DATABRICKS_KIND_MODULES: Readonly<Record<DatabricksKind, KindRow>> = {
  initScript: { module: notYet("initScript"), listedForPrune: "remembered" },
  secretScope: { module: notYet("secretScope"), listedForPrune: "remembered" },
  cluster: { module: clusterKind, listedForPrune: "tagged" },
  notebooks: { module: notYet("notebooks"), listedForPrune: "remembered" },
  job: { module: jobKind, listedForPrune: "tagged" },
  permissions: { module: notYet("permissions"), listedForPrune: "never" },
  clusterState: { module: clusterStateKind, listedForPrune: "never" },
};

export const kindModule = (kind: DatabricksKind): KindModule<DatabricksResource> => DATABRICKS_KIND_MODULES[kind].module as KindModule<DatabricksResource>;
