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
import { initScriptKind } from "./init-script.ts";
import { jobKind } from "./job.ts";
import { notebooksKind } from "./notebooks.ts";
import { permissionsKind } from "./permissions.ts";
import { secretScopeKind } from "./secret-scope.ts";

export interface KindRow {
  readonly module: KindModule<any>;
  readonly listedForPrune: "tagged" | "remembered" | "never";
}

export const DATABRICKS_KIND_MODULES: Readonly<Record<DatabricksKind, KindRow>> = {
  initScript: { module: initScriptKind, listedForPrune: "remembered" },
  secretScope: { module: secretScopeKind, listedForPrune: "remembered" },
  cluster: { module: clusterKind, listedForPrune: "tagged" },
  notebooks: { module: notebooksKind, listedForPrune: "remembered" },
  job: { module: jobKind, listedForPrune: "tagged" },
  permissions: { module: permissionsKind, listedForPrune: "never" },
  clusterState: { module: clusterStateKind, listedForPrune: "never" },
};

export const kindModule = (kind: DatabricksKind): KindModule<DatabricksResource> => DATABRICKS_KIND_MODULES[kind].module as KindModule<DatabricksResource>;
