/**
 * Each `up`, `rollback` and `down` is a revision, kept in the cluster (like Helm's release storage) so every machine
 * sees one history: what was applied (the plan — object bodies, secret names and key names, never a secret value),
 * the spec's digest, the env, every `--set` (values at secret-like paths masked), berth's version, who and when.
 * The encoding and the rules are here; the Secret objects are behind `RevisionStore`.
 */
import { createHash } from "node:crypto";
import { hostname, userInfo } from "node:os";
import { gunzipSync, gzipSync } from "node:zlib";
import { z } from "zod";
import type { Plan } from "../plan/step.ts";
import { parseJson, parseRecord, StateFileError } from "./state-file.ts";

export type RevisionStatus = "in-progress" | "deployed" | "failed" | "interrupted" | "removed";

export interface Revision {
  readonly revision: number;
  readonly run: string;
  readonly action: "up" | "rollback" | "down";
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly status: RevisionStatus;
  readonly command: string;
  /** The revision this one rolled back to. */
  readonly rollbackOf?: number;
  readonly platform: string;
  readonly env: string;
  /** sha256 of the spec file as it was read. */
  readonly specDigest?: string;
  /** sha256 of the plan stored below. */
  readonly planDigest: string;
  /** Every --set as given, values at secret-like paths replaced by MASK. */
  readonly set: readonly string[];
  /** --set paths whose masked value also appeared in the plan and was replaced there: this revision cannot be replayed. */
  readonly scrubbed?: readonly string[];
  readonly berthVersion: string;
  /** user@host of the run. */
  readonly by: string;
  readonly plan: Plan;
  readonly error?: string;
}

/** The cluster side of the history. */
export interface RevisionStore {
  /** Where revisions live, for messages. */
  readonly where: string;
  list(): Promise<Revision[]>;
  create(r: Revision): Promise<void>;
  replace(r: Revision): Promise<void>;
  remove(revision: number): Promise<void>;
}

export const MASK = "(masked)";
/** Paths that name a credential anywhere in them (`apps.web.env[API_TOKEN_FILE]`, `components.x.password`). */
const SECRET_LIKE_PATH = /passw(or)?d|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential|connection[_-]?string/i;

/** The --set values worth hiding: those whose path looks like a credential's. */
/** Whether a spec path names a credential: its --set value is never stored or shown. */
export const namesCredential = (path: string): boolean => SECRET_LIKE_PATH.test(path);

export function maskSets(sets: readonly string[]): { readonly shown: string[]; readonly hidden: { readonly path: string; readonly value: string }[] } {
  const shown: string[] = [];
  const hidden: { path: string; value: string }[] = [];
  for (const arg of sets) {
    const eq = arg.indexOf("=");
    const path = eq > 0 ? arg.slice(0, eq) : arg;
    if (eq > 0 && namesCredential(path)) {
      shown.push(`${path}=${MASK}`);
      if (arg.length > eq + 1) hidden.push({ path, value: arg.slice(eq + 1) });
    } else shown.push(arg);
  }
  return { shown, hidden };
}

/** Replaces each hidden value wherever a string of the plan holds it. */
function scrub(plan: Plan, hidden: readonly { path: string; value: string }[]): { plan: Plan; scrubbed: string[] } {
  const scrubbed = new Set<string>();
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") {
      let out = v;
      for (const h of hidden)
        if (out.includes(h.value)) {
          out = out.split(h.value).join(MASK);
          scrubbed.add(h.path);
        }
      return out;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return hidden.length ? { plan: walk(plan) as Plan, scrubbed: [...scrubbed] } : { plan, scrubbed: [] };
}

export const digestOf = (text: string | Buffer): string => `sha256:${createHash("sha256").update(text).digest("hex")}`;

export interface RevisionContext {
  readonly set?: readonly string[];
  readonly specDigest?: string;
  readonly berthVersion: string;
}

/** A new revision of `plan`, ready to store: --set masked, the plan scrubbed of any masked value. */
export function newRevision(
  plan: Plan,
  fields: Pick<Revision, "revision" | "run" | "action" | "command" | "startedAt"> & { readonly rollbackOf?: number },
  context: RevisionContext,
): Revision {
  const { shown, hidden } = maskSets(context.set ?? []);
  const clean = scrub(plan, hidden);
  return {
    ...fields,
    status: "in-progress",
    platform: plan.platform,
    env: plan.env,
    ...(context.specDigest ? { specDigest: context.specDigest } : {}),
    planDigest: digestOf(JSON.stringify(clean.plan)),
    set: shown,
    ...(clean.scrubbed.length ? { scrubbed: clean.scrubbed } : {}),
    berthVersion: context.berthVersion,
    by: `${userInfo().username}@${hostname()}`,
    plan: clean.plan,
  };
}

/**
 * gzip-compressed JSON, as Helm stores releases, with each step's needs stored once per distinct list: the steps of
 * a namespace share one long list (everything its config phase creates), so a plan's needs grow with the platform
 * instead of its square (1,000 synthetic apps: 261 MB of JSON before, see docs/design/0004-state-in-the-cluster.md).
 */
export function encodeRevision(r: Revision): Buffer {
  const index = new Map(r.plan.steps.map((s, i) => [s.id, i]));
  const lists = new Map<string, number>();
  const needLists: (number | string)[][] = [];
  const steps = r.plan.steps.map((s) => {
    const list = s.needs.map((id) => index.get(id) ?? id);
    const key = JSON.stringify(list);
    let at = lists.get(key);
    if (at === undefined) {
      at = needLists.push(list) - 1;
      lists.set(key, at);
    }
    return { ...s, needs: at };
  });
  return gzipSync(JSON.stringify({ version: REVISION_FORMAT_VERSION, ...r, plan: { ...r.plan, steps }, needLists }));
}

/** Format of the stored record; records written before it had one are version 1. */
export const REVISION_FORMAT_VERSION = 1;

const Stored = z.strictObject({
  version: z.literal(REVISION_FORMAT_VERSION).optional(),
  revision: z.number().int().positive(),
  run: z.string(),
  action: z.enum(["up", "rollback", "down"]),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  status: z.enum(["in-progress", "deployed", "failed", "interrupted", "removed"]),
  command: z.string(),
  rollbackOf: z.number().int().optional(),
  platform: z.string(),
  env: z.string(),
  specDigest: z.string().optional(),
  planDigest: z.string(),
  set: z.array(z.string()),
  scrubbed: z.array(z.string()).optional(),
  berthVersion: z.string(),
  by: z.string(),
  // The plan's own shape is the planner's; what decoding relies on is checked here.
  plan: z.looseObject({ steps: z.array(z.looseObject({ id: z.string(), needs: z.union([z.number().int().nonnegative(), z.array(z.string())]) })) }),
  error: z.string().optional(),
  needLists: z.array(z.array(z.union([z.number().int().nonnegative(), z.string()]))).optional(),
});

/** A stored revision, read strictly; `source` names it in errors (a file, a Secret). */
export function decodeRevision(data: Buffer, source = "revision record"): Revision {
  let text: string;
  try {
    text = gunzipSync(data).toString("utf8");
  } catch (error) {
    throw new StateFileError("STATE-MALFORMED", source, `not a whole gzip stream (${error instanceof Error ? error.message : String(error)})`);
  }
  const { version: _version, needLists, ...revision } = parseRecord(source, parseJson(source, text), Stored, REVISION_FORMAT_VERSION, REVISION_FORMAT_VERSION);
  if (!needLists) return revision as unknown as Revision; // written before needs were stored by list
  const ids = revision.plan.steps.map((s) => s.id);
  const steps = revision.plan.steps.map((s, i) => {
    const list = typeof s.needs === "number" ? needLists[s.needs] : undefined;
    if (!list) throw new StateFileError("STATE-MALFORMED", source, `plan.steps.${i}.needs: no needs list ${JSON.stringify(s.needs)}`);
    return {
      ...s,
      needs: list.map((n) => {
        if (typeof n === "string") return n;
        if (ids[n] === undefined) throw new StateFileError("STATE-MALFORMED", source, `plan.steps.${i}.needs: no step ${n}`);
        return ids[n];
      }),
    };
  });
  return { ...revision, plan: { ...revision.plan, steps } } as unknown as Revision;
}

/** What a revision Secret may hold: the API server refuses Secret data over 1 MiB; the rest is room for metadata. */
export const MAX_ENCODED_REVISION = 900 * 1024;

/** A revision too big for one Secret: refused before the run changes anything, rather than by the API server mid-run. */
export class RevisionTooLarge extends Error {}

/** The stored form of `r`, or RevisionTooLarge when it would not fit a Secret. */
export function encodeRevisionToFit(r: Revision, limit = MAX_ENCODED_REVISION): Buffer {
  const data = encodeRevision(r);
  if (data.length > limit)
    throw new RevisionTooLarge(
      `the revision record of this plan (${r.plan.steps.length} steps) is ${Math.ceil(data.length / 1024)} KiB compressed, over the ${Math.floor(limit / 1024)} KiB one Secret can hold; nothing was changed. Split the platform into smaller specs (one per team or namespace) — see docs/design/0004-state-in-the-cluster.md`,
    );
  return data;
}

export const nextRevisionNumber = (all: readonly Revision[]): number => Math.max(0, ...all.map((r) => r.revision)) + 1;

/** The oldest revisions beyond `keep` (0 keeps all); the newest is never among them. */
export function beyondRetention(all: readonly Revision[], keep: number): number[] {
  if (keep <= 0) return [];
  return all
    .map((r) => r.revision)
    .sort((a, b) => b - a)
    .slice(Math.max(1, keep));
}

export const DEFAULT_HISTORY_MAX = 10;
