/**
 * Init scripts: one repository file at a workspace file, a Unity Catalog volume path or (only when asked) a DBFS
 * path. The three destinations differ only in how a file is read, written and deleted, so each is a row of STORES and
 * the kind reads, compares and writes the same way for all: the content read back equal to the file's → no write.
 */
import type { InitScriptResource } from "../../../resources/databricks-resource.ts";
import { failed, ready, type Verdict } from "../../../readiness/verdict.ts";
import type { FieldChange, LiveState, Progress, RunResult } from "../../provider.ts";
import { type DatabricksApi, deletedUnlessMissing } from "../api.ts";
import type { KindContext, KindModule } from "../kind.ts";
import { lastErrorLines, remembering } from "../kind-errors.ts";
import { digestLabel, readSource, trySource } from "../source-file.ts";
import { exportSource, deleteObject, getStatus, importObject, mkdirs } from "../workspace-files.ts";
import { dbfsApiPath, filesApiPath, parentOf, workspaceApiPath } from "../workspace-paths.ts";

type DestinationType = "workspace" | "volumes" | "dbfs";

interface Store {
  /** The file's bytes, or undefined when there is none. */
  read(api: DatabricksApi, what: string, path: string, progress?: Progress): Promise<Uint8Array | undefined>;
  /** Writes it whole, making its folder first. */
  write(api: DatabricksApi, what: string, path: string, bytes: Uint8Array, progress: Progress): Promise<void>;
  /** Deletes it; false when it was not there. */
  remove(api: DatabricksApi, what: string, path: string, progress: Progress): Promise<boolean>;
  exists(api: DatabricksApi, what: string, path: string): Promise<boolean>;
  /** Said after what was done. */
  readonly note?: string;
}

/** DBFS takes at most 1 MB per put or add-block (MAX_BLOCK_SIZE_EXCEEDED beyond). */
export const DBFS_BLOCK = 1024 * 1024;

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64");

export const STORES: Readonly<Record<DestinationType, Store>> = {
  workspace: {
    read: (api, what, path, progress) => exportSource(api, what, workspaceApiPath(path), progress),
    async write(api, what, path, bytes, progress) {
      const p = workspaceApiPath(path);
      // Import does not make parent folders.
      await mkdirs(api, what, parentOf(p), progress);
      await importObject(api, what, p, bytes, undefined, progress);
    },
    remove: (api, what, path, progress) => deleteObject(api, what, workspaceApiPath(path), false, progress),
    exists: async (api, what, path) => (await getStatus(api, what, workspaceApiPath(path))) !== undefined,
  },
  volumes: {
    read: (api, what, path, progress) => api.getBytes({ path: filesApiPath("files", path), operation: `${what}: download ${path}`, progress }),
    async write(api, what, path, bytes, progress) {
      await api.put({ path: filesApiPath("directories", parentOf(path)), operation: `${what}: create directory ${parentOf(path)}`, idempotent: true, progress });
      await api.put({ path: filesApiPath("files", path), query: { overwrite: "true" }, raw: bytes, operation: `${what}: upload ${path}`, idempotent: true, progress });
    },
    remove: (api, what, path, progress) => deletedUnlessMissing(() => api.delete({ path: filesApiPath("files", path), operation: `${what}: delete ${path}`, idempotent: true, progress })),
    exists: async (api, what, path) => (await api.getBytes({ path: filesApiPath("files", path), operation: `${what}: download ${path}` })) !== undefined,
  },
  dbfs: {
    async read(api, what, path, progress) {
      const p = dbfsApiPath(path);
      const status = await api.find({ path: "/api/2.0/dbfs/get-status", query: { path: p }, operation: `${what}: get-status dbfs:${p}`, progress });
      if (!status) return undefined;
      // A directory where the script should be: nothing equal to it, and the write says why it fails.
      if (status.is_dir) return new Uint8Array();
      const size = Number(status.file_size ?? 0);
      const parts: Buffer[] = [];
      for (let offset = 0; offset < size; ) {
        const got = await api.get({ path: "/api/2.0/dbfs/read", query: { path: p, offset: String(offset), length: String(DBFS_BLOCK) }, operation: `${what}: read dbfs:${p}`, progress });
        const chunk = Buffer.from(String(got.data ?? ""), "base64");
        if (!chunk.length) break;
        parts.push(chunk);
        offset += chunk.length;
      }
      return Buffer.concat(parts);
    },
    async write(api, what, path, bytes, progress) {
      const p = dbfsApiPath(path);
      await api.post({ path: "/api/2.0/dbfs/mkdirs", body: { path: parentOf(p) }, operation: `${what}: mkdirs dbfs:${parentOf(p)}`, idempotent: true, progress });
      if (bytes.length <= DBFS_BLOCK) {
        await api.post({ path: "/api/2.0/dbfs/put", body: { path: p, contents: b64(bytes), overwrite: true }, operation: `${what}: put dbfs:${p}`, idempotent: true, progress });
        return;
      }
      // Larger files stream: create → add-block per MB → close. A retried create opens a new handle; the lost one expires.
      const { handle } = await api.post({ path: "/api/2.0/dbfs/create", body: { path: p, overwrite: true }, operation: `${what}: create dbfs:${p}`, idempotent: true, progress });
      for (let offset = 0; offset < bytes.length; offset += DBFS_BLOCK)
        await api.post({ path: "/api/2.0/dbfs/add-block", body: { handle, data: b64(bytes.subarray(offset, offset + DBFS_BLOCK)) }, operation: `${what}: add-block dbfs:${p}`, progress });
      await api.post({ path: "/api/2.0/dbfs/close", body: { handle }, operation: `${what}: close dbfs:${p}`, progress });
    },
    // DBFS documents no answer for deleting a missing path: look first, so "already gone" is said truly.
    remove: async (api, what, path, progress) =>
      (await STORES.dbfs.exists(api, what, path)) && deletedUnlessMissing(() => api.post({ path: "/api/2.0/dbfs/delete", body: { path: dbfsApiPath(path), recursive: false }, operation: `${what}: delete ${path}`, idempotent: true, progress })),
    exists: async (api, what, path) => (await api.find({ path: "/api/2.0/dbfs/get-status", query: { path: dbfsApiPath(path) }, operation: `${what}: get-status ${path}` })) !== undefined,
    note: "(DBFS: deprecated by Databricks; use workspace files or a volume)",
  },
};

export function destinationOf(resource: InitScriptResource): { type: DestinationType; path: string } {
  const d = resource.destination;
  if ("workspace" in d) return { type: "workspace", path: d.workspace };
  if ("volumes" in d) return { type: "volumes", path: d.volumes };
  return { type: "dbfs", path: d.dbfs };
}

const whatOf = (r: InitScriptResource): string => `init script ${r.key}`;

const withNote = (did: string, type: DestinationType): string => (STORES[type].note ? `${did} ${STORES[type].note}` : did);

interface Observed {
  /** The file's bytes; undefined when it cannot be had (then `problem` says why). */
  readonly wanted: Uint8Array | undefined;
  readonly problem?: string;
  readonly live: Uint8Array | undefined;
  readonly changes: FieldChange[];
}

/**
 * What is there and how it differs. A run reads the source strictly (refused if it is not the plan's); an inspection
 * does not, because deleting (down, prune) inspects resources of earlier plans whose files have changed or gone since:
 * it reports the problem instead.
 */
async function observe(resource: InitScriptResource, ctx: KindContext, mode: "inspect" | "run", progress?: Progress): Promise<Observed> {
  const { type, path } = destinationOf(resource);
  const source = mode === "run" ? { bytes: await readSource(resource.source, whatOf(resource)) } : await trySource(resource.source);
  const live = await STORES[type].read(ctx.api, whatOf(resource), path, progress);
  if ("problem" in source) return { wanted: undefined, problem: source.problem, live, changes: [{ field: live ? "content" : "(file)", to: `unknown: ${source.problem}` }] };
  const wanted = source.bytes;
  const changes: FieldChange[] = !live ? [{ field: "(file)", to: `created (${digestLabel(wanted)})` }] : Buffer.from(live).equals(Buffer.from(wanted)) ? [] : [{ field: "content", from: digestLabel(live), to: digestLabel(wanted) }];
  return { wanted, live, changes };
}

export const initScriptKind: KindModule<InitScriptResource> = {
  inspect: (resource, ctx) =>
    remembering(ctx.api, resource, async (): Promise<LiveState> => {
      const { live, changes, problem } = await observe(resource, ctx, "inspect");
      const outputs = { path: destinationOf(resource).path };
      const effects = problem ? { effects: [`the step fails before any write: ${problem}`] } : {};
      return live ? { exists: true, ownership: "ours", changes, intentChanged: changes.length > 0, outputs, ...effects } : { exists: false, ownership: "absent", changes, intentChanged: true, ...effects };
    }),

  run: (resource, _live, ctx, progress) =>
    remembering(ctx.api, resource, async (): Promise<RunResult> => {
      const { type, path } = destinationOf(resource);
      // Read again: the plan's inspection may be old, and the file is checked against the plan's digest here too.
      const { wanted, live, changes } = await observe(resource, ctx, "run", progress);
      if (!changes.length || !wanted) return { did: "unchanged", mutated: false, outputs: { path } };
      await STORES[type].write(ctx.api, whatOf(resource), path, wanted, progress);
      return { did: withNote(live ? `updated ${path}` : `uploaded ${path}`, type), mutated: true, outputs: { path } };
    }),

  check: (resource, ctx, stage) =>
    remembering(ctx.api, resource, async (): Promise<Verdict> => {
      const { type, path } = destinationOf(resource);
      // The upload APIs are synchronous: written means there.
      if (stage === "step") return ready(`${path} uploaded`);
      return (await STORES[type].exists(ctx.api, whatOf(resource), path)) ? ready(`${path} exists`) : failed("Missing", `${path} does not exist any more`);
    }),

  explain: async (resource, ctx) => lastErrorLines(ctx.api, resource),

  remove: (resource, ctx, progress) =>
    remembering(ctx.api, resource, async (): Promise<RunResult> => {
      const { type, path } = destinationOf(resource);
      if (resource.retain) return { did: `kept ${path} (retain: true)`, mutated: false };
      const removed = await STORES[type].remove(ctx.api, whatOf(resource), path, progress);
      return removed ? { did: withNote(`deleted ${path}`, type), mutated: true } : { did: `${path} was already gone`, mutated: false };
    }),
};
