/**
 * A repository folder as a workspace folder holding exactly its files: notebooks imported as SOURCE in their
 * language, plain files as workspace files. What is there already is exported and compared (notebooks normalised for
 * what Databricks adds on export, notebook-source.ts), so only files that differ are written; anything else under the
 * folder is deleted, because berth owns the folder. The folder's object_id is the output the permissions kind uses
 * (object type `directories`).
 */
import type { NotebookFile, NotebooksResource } from "../../../resources/databricks-resource.ts";
import { failed, ready, type Verdict } from "../../../readiness/verdict.ts";
import type { FieldChange, LiveState, Progress, RunResult } from "../../provider.ts";
import type { KindContext, KindModule } from "../kind.ts";
import { lastErrorLines, refused, remembering } from "../kind-errors.ts";
import { normaliseNotebook } from "../notebook-source.ts";
import { digestLabel, readSource, trySource } from "../source-file.ts";
import { deleteObject, exportSource, getStatus, importObject, listRecursive, mkdirs, type WorkspaceObject } from "../workspace-files.ts";
import { foldersOf, joinPath, relativeTo, workspaceApiPath } from "../workspace-paths.ts";

interface Wanted {
  readonly relative: string;
  readonly file: NotebookFile;
  readonly bytes: Uint8Array;
}

/** A wanted file whose source cannot be had at an inspection (changed since its plan, or gone). */
interface Unreadable {
  readonly relative: string;
  readonly problem: string;
}

/** What a run does, worked out from one reading of the folder. */
interface Work {
  readonly folderExists: boolean;
  /** Relative paths to delete first (recursive for folders): extras, and objects of the wrong type at a wanted path. */
  readonly deletes: readonly string[];
  /** Relative folders to make (missing ones), shallowest first. */
  readonly mkdirs: readonly string[];
  readonly imports: readonly Wanted[];
  readonly changes: readonly FieldChange[];
  /** Sources that could not be read (inspect only: a run refuses them). */
  readonly problems: readonly string[];
}

const whatOf = (r: NotebooksResource): string => `notebooks ${r.key}`;

const kindOf = (language: string | undefined): string => (language ? `${language} notebook` : "file");

/** The file's path inside the folder: given relative, or absolute under it. */
function relativeOf(resource: NotebooksResource, file: NotebookFile): string {
  if (!file.path.startsWith("/")) return file.path.replace(/^\.\//, "");
  const relative = relativeTo(workspaceApiPath(resource.folder), workspaceApiPath(file.path));
  if (!relative) throw refused(`${whatOf(resource)}: ${file.path} is not inside the folder ${resource.folder}`);
  return relative;
}

/** Content as compared and shown: a notebook without Databricks' additions, a file as is. */
const comparable = (bytes: Uint8Array, language: NotebookFile["language"]): Buffer => Buffer.from(language ? normaliseNotebook(bytes, language) : bytes);

/** The live object matches the wanted one's type (a notebook of that language, or a file). */
const sameType = (live: WorkspaceObject, file: NotebookFile): boolean => (file.language ? live.object_type === "NOTEBOOK" && live.language === file.language : live.object_type === "FILE");

/**
 * What a run would do. A run reads every source strictly (refused unless it is the plan's); an inspection does not,
 * because deleting (down, prune) inspects folders of earlier plans whose files have changed since: it says so instead.
 */
async function plan(resource: NotebooksResource, ctx: KindContext, mode: "inspect" | "run", progress?: Progress): Promise<Work> {
  const folder = workspaceApiPath(resource.folder);
  const what = whatOf(resource);
  const wanted: Wanted[] = [];
  const unreadable: Unreadable[] = [];
  for (const file of resource.files) {
    const relative = relativeOf(resource, file);
    if (mode === "run") wanted.push({ relative, file, bytes: await readSource(file.source, `${what}: ${file.path}`) });
    else {
      const got = await trySource(file.source);
      if ("problem" in got) unreadable.push({ relative, problem: got.problem });
      else wanted.push({ relative, file, bytes: got.bytes });
    }
  }
  const listing = await listRecursive(ctx.api, what, folder, progress);
  const live = new Map((listing ?? []).flatMap((o) => {
    const relative = relativeTo(folder, o.path);
    return relative ? [[relative, o] as const] : [];
  }));
  const wantedFiles = new Set([...wanted, ...unreadable].map((w) => w.relative));
  const wantedFolders = new Set([...wanted, ...unreadable].flatMap((w) => foldersOf(w.relative)));

  const changes: FieldChange[] = [];
  const deletes: string[] = [];
  const imports: Wanted[] = [];
  if (!listing) changes.push({ field: "(folder)", to: `created ${folder}` });

  // Extras, and anything in the way of a wanted folder: deleted, a folder at once with what it holds.
  for (const [relative, o] of live) {
    if (wantedFiles.has(relative) || (wantedFolders.has(relative) && o.object_type === "DIRECTORY")) continue;
    if (deletes.some((d) => relative.startsWith(`${d}/`))) continue;
    deletes.push(relative);
    changes.push({ field: `files/${relative}${o.object_type === "DIRECTORY" ? "/" : ""}`, from: "present", to: "deleted" });
  }
  for (const w of wanted) {
    const o = live.get(w.relative);
    const want = comparable(w.bytes, w.file.language);
    const to = `${kindOf(w.file.language)} ${digestLabel(want)}`;
    if (!o) {
      changes.push({ field: `files/${w.relative}`, to: `created (${to})` });
      imports.push(w);
    } else if (!sameType(o, w.file)) {
      // Import with overwrite does not turn a file into a notebook (or a folder into either): delete it first.
      deletes.push(w.relative);
      changes.push({ field: `files/${w.relative}`, from: o.object_type === "NOTEBOOK" ? `${o.language ?? ""} notebook`.trim() : o.object_type.toLowerCase(), to });
      imports.push(w);
    } else {
      const exported = await exportSource(ctx.api, what, joinPath(folder, w.relative), progress);
      const have = exported ? comparable(exported, w.file.language) : undefined;
      if (have && have.equals(want)) continue;
      changes.push({ field: `files/${w.relative}`, from: have ? `${kindOf(w.file.language)} ${digestLabel(have)}` : "(unreadable)", to });
      imports.push(w);
    }
  }
  for (const u of unreadable) changes.push({ field: `files/${u.relative}`, to: `unknown: ${u.problem}` });
  const liveFolders = new Set([...live].filter(([relative, o]) => o.object_type === "DIRECTORY" && !deletes.includes(relative)).map(([relative]) => relative));
  const toMake = [...wantedFolders].filter((f) => !liveFolders.has(f)).sort((a, b) => a.split("/").length - b.split("/").length || a.localeCompare(b));
  // mkdirs makes parents: only the deepest missing folders are asked for, and the root when nothing else makes it.
  const deepest = toMake.filter((f) => !toMake.some((g) => g.startsWith(`${f}/`)));
  return { folderExists: !!listing, deletes, mkdirs: deepest, imports, changes, problems: unreadable.map((u) => `${what}: ${u.problem}`) };
}

async function folderOutputs(resource: NotebooksResource, ctx: KindContext, progress?: Progress): Promise<Record<string, string>> {
  const status = await getStatus(ctx.api, whatOf(resource), workspaceApiPath(resource.folder), progress);
  return status?.object_id !== undefined ? { object_id: String(status.object_id) } : {};
}

const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? "" : "s"}`;

export const notebooksKind: KindModule<NotebooksResource> = {
  inspect: (resource, ctx) =>
    remembering(ctx.api, resource, async (): Promise<LiveState> => {
      const work = await plan(resource, ctx, "inspect");
      const effects = work.problems.length ? { effects: work.problems.map((p) => `the step fails before any write: ${p}`) } : {};
      if (!work.folderExists) return { exists: false, ownership: "absent", changes: work.changes, intentChanged: true, ...effects };
      return { exists: true, ownership: "ours", changes: work.changes, intentChanged: work.changes.length > 0, outputs: await folderOutputs(resource, ctx), ...effects };
    }),

  run: (resource, _live, ctx, progress) =>
    remembering(ctx.api, resource, async (): Promise<RunResult> => {
      const folder = workspaceApiPath(resource.folder);
      const what = whatOf(resource);
      const work = await plan(resource, ctx, "run", progress);
      if (!work.changes.length) return { did: "unchanged", mutated: false, outputs: await folderOutputs(resource, ctx, progress) };
      for (const relative of work.deletes) await deleteObject(ctx.api, what, joinPath(folder, relative), true, progress);
      if (!work.folderExists && !work.mkdirs.length) await mkdirs(ctx.api, what, folder, progress);
      for (const relative of work.mkdirs) await mkdirs(ctx.api, what, joinPath(folder, relative), progress);
      for (const w of work.imports) await importObject(ctx.api, what, joinPath(folder, w.relative), w.bytes, w.file.language, progress);
      const extras = work.deletes.filter((d) => !work.imports.some((w) => w.relative === d)).length;
      const did = [work.imports.length ? `imported ${plural(work.imports.length, "file")}` : "", extras ? `deleted ${extras} not in the spec` : ""].filter(Boolean).join(", ");
      return { did: `${did || "created"} in ${folder}`, mutated: true, outputs: await folderOutputs(resource, ctx, progress) };
    }),

  check: (resource, ctx, stage) =>
    remembering(ctx.api, resource, async (): Promise<Verdict> => {
      const folder = workspaceApiPath(resource.folder);
      if (stage === "step") return ready(`${folder} holds ${plural(resource.files.length, "file")}`);
      const listing = await listRecursive(ctx.api, whatOf(resource), folder);
      if (!listing) return failed("Missing", `${folder} does not exist any more`);
      const present = new Set(listing.map((o) => o.path));
      const missing = resource.files.map((f) => relativeOf(resource, f)).filter((r) => !present.has(joinPath(folder, r)));
      return missing.length ? failed("Missing", `${folder} lacks ${missing.join(", ")}`) : ready(`${folder} holds ${plural(resource.files.length, "file")}`);
    }),

  explain: async (resource, ctx) => lastErrorLines(ctx.api, resource),

  remove: (resource, ctx, progress) =>
    remembering(ctx.api, resource, async (): Promise<RunResult> => {
      const folder = workspaceApiPath(resource.folder);
      if (resource.retain) return { did: `kept ${folder} (retain: true)`, mutated: false };
      return (await deleteObject(ctx.api, whatOf(resource), folder, true, progress)) ? { did: `deleted ${folder} and everything in it`, mutated: true } : { did: `${folder} was already gone`, mutated: false };
    }),
};
