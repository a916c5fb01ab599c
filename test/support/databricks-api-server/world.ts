/** What every handler shares: the scenario, the clock and timeline, the workspaces and their state. */
import { randomInt } from "node:crypto";
import type { Clock } from "../../../src/util/clock.ts";
import type { Timeline } from "./timeline.ts";
import type { ClusterStartFault, Json, Scenario } from "./types.ts";

/** Who a request runs as: a user name or a service principal's application id. */
export interface Caller {
  readonly name: string;
  /** How it signed in. */
  readonly via: "pat" | "entra" | "oauth";
}

export interface Cluster {
  readonly cluster_id: string;
  spec: Json;
  readonly creator: string;
  state: string;
  state_message: string;
  readonly created: number;
  start_time: number;
  terminated_time?: number;
  last_restarted_time?: number;
  termination_reason?: Json;
  readonly events: Json[];
  pinned: boolean;
  /** Cancels the pending state change (a terminate overrides a start). */
  cancel?: () => void;
}

export interface Job {
  readonly job_id: number;
  settings: Json;
  readonly created_time: number;
  readonly creator_user_name: string;
  runs: number;
}

export interface Run {
  readonly run_id: number;
  readonly job_id: number;
  readonly number_in_job: number;
  readonly creator_user_name: string;
  readonly start_time: number;
  readonly settings: Json;
  life_cycle_state: string;
  result_state?: string;
  state_message: string;
  end_time?: number;
  cancel?: () => void;
}

export interface WsObject {
  readonly object_type: "DIRECTORY" | "NOTEBOOK" | "FILE";
  readonly object_id: number;
  path: string;
  language?: string;
  content?: Buffer;
  readonly created_at: number;
  modified_at: number;
}

export interface FileEntry {
  readonly is_dir: boolean;
  content: Buffer;
  modified: number;
}

export interface Scope {
  readonly name: string;
  readonly backend_type: "DATABRICKS" | "AZURE_KEYVAULT";
  readonly keyvault_metadata?: Json;
  readonly secrets: Map<string, { value: string; last_updated_timestamp: number }>;
  /** principal → READ | WRITE | MANAGE */
  readonly acls: Map<string, string>;
}

/** One access control entry as stored: a principal's direct permission on an object. */
export interface Ace {
  readonly principal: string;
  readonly permission_level: string;
  /** The field it was given in (a group is shown as a group); absent: told from the name (principalField). */
  readonly field?: "service_principal_name" | "group_name" | "user_name";
}

export class Workspace {
  readonly id: string;
  resourceId: string | undefined;
  readonly users = new Set<string>();
  readonly addedUsers: { principal: string; at: number }[] = [];
  readonly clusters = new Map<string, Cluster>();
  readonly jobs = new Map<number, Job>();
  readonly runs = new Map<number, Run>();
  /** idempotency_token → run and when it was given. */
  readonly idempotency = new Map<string, { run_id: number; at: number }>();
  /** Workspace objects by normalised path. */
  readonly objects = new Map<string, WsObject>();
  /** DBFS by absolute path without `dbfs:`. */
  readonly dbfs = new Map<string, FileEntry>();
  /** Unity Catalog volume files and directories by `/Volumes/...` path. */
  readonly volumes = new Map<string, FileEntry>();
  readonly scopes = new Map<string, Scope>();
  /** Direct permissions by object key `/clusters/<id>`, `/jobs/<id>`, `/directories/<id>`, `/notebooks/<id>`. */
  readonly acl = new Map<string, Ace[]>();
  /** Streaming DBFS uploads (create / add-block / close) by handle. */
  readonly handles = new Map<number, { path: string; chunks: Buffer[] }>();

  constructor(id: string, resourceId: string | undefined, now: number, nextObjectId: () => number) {
    this.id = id;
    this.resourceId = resourceId;
    for (const path of ["/", "/Users", "/Shared", "/Repos"])
      this.objects.set(path, { object_type: "DIRECTORY", object_id: path === "/" ? 0 : nextObjectId(), path, created_at: now, modified_at: now });
    this.dbfs.set("/", { is_dir: true, content: Buffer.alloc(0), modified: now });
  }
}

export interface World {
  readonly scenario: Scenario;
  readonly clock: Clock;
  readonly timeline: Timeline;
  readonly realTime: boolean;
  readonly workspaces: Map<string, Workspace>;
  readonly defaultWorkspace: string;
  /** https://127.0.0.1:PORT */
  base(): string;
  /** Gets or creates a workspace. */
  workspace(id: string): Workspace;
  /** Adds a principal as a workspace user (home folder and all). */
  addUser(ws: Workspace, principal: string): void;
  readonly startFaults: { fault: ClusterStartFault; remaining: number }[];
  /** Increasing ids for workspace objects, jobs and runs. */
  nextId(kind: "object" | "job" | "run"): number;
}

export const newWorkspaceId = (): string => `${randomInt(1e7, 9e7)}${randomInt(1e7, 9e7)}`;

/** The ACL principal field a name goes in: application ids (GUIDs) are service principals. */
export const principalField = (name: string): "service_principal_name" | "group_name" | "user_name" =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(name) ? "service_principal_name" : name === "admins" || name === "users" ? "group_name" : "user_name";
