/**
 * Live objects kept current by watches, one per kind and namespace in use, as client-go's informers do: a LIST,
 * then a WATCH resumed from the last resourceVersion (bookmarks keep it fresh), a fresh LIST when the server says
 * the version is too old (410 Gone). While a watch is down its objects are "unknown" and the caller reads the
 * object itself (polling), so a broken watch costs requests, never a wrong verdict.
 */
import { setMaxListeners } from "node:events";
import { ApiException } from "@kubernetes/client-node";
import type { Clock } from "../../util/clock.ts";
import type { Json, KubeRest } from "./rest.ts";

export interface Scope {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
}

/**
 * What the cache knows of an object: nothing (no live watch: ask the server), "behind" (the watch is live but has
 * not yet delivered berth's own last write: its event is on the way), or its state (undefined: it does not exist).
 */
export type Known = { readonly known: false; readonly behind: boolean } | { readonly known: true; readonly object: Json | undefined };

const UNKNOWN: Known = { known: false, behind: false };
const BEHIND: Known = { known: false, behind: true };
const scopeKey = (s: Scope): string => `${s.apiVersion}|${s.kind}|${s.namespace ?? ""}`;
const rvNumber = (rv: unknown): number | undefined => (typeof rv === "string" && /^\d+$/.test(rv) ? Number(rv) : undefined);
const WATCH_SECONDS = 300;

class Informer {
  readonly objects = new Map<string, Json>();
  synced = false;
  rv = "";
  readonly #waiters = new Set<() => void>();

  constructor(
    private readonly rest: KubeRest,
    private readonly clock: Clock,
    private readonly scope: Scope,
    private readonly signal: AbortSignal,
  ) {
    void this.#run();
  }

  /** Resolves at the next change (or when the watch breaks, so the caller looks for itself). */
  changed(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.#waiters.delete(done);
        signal.removeEventListener("abort", done);
        resolve();
      };
      this.#waiters.add(done);
      signal.addEventListener("abort", done, { once: true });
    });
  }

  #notify(): void {
    for (const w of [...this.#waiters]) w();
  }

  async #run(): Promise<void> {
    let path: string | undefined;
    for (let failures = 0; !this.signal.aborted; ) {
      try {
        // Looked up until served: a custom resource's kind is served once its definition is established.
        path ??= await this.rest.pathOf(this.scope);
        if (!this.rv) await this.#list(path);
        const opened = () => {
          this.synced = true;
          this.#notify();
        };
        // An ERROR event ends this stream from our side; its Status says why.
        const stream = new AbortController();
        const onStop = () => stream.abort();
        this.signal.addEventListener("abort", onStop, { once: true });
        let refused: ApiException<unknown> | undefined;
        const onEvent = (e: { type: string; object: Json }) => {
          if (refused) return;
          if (e.type !== "ERROR") return this.#event(e);
          refused = new ApiException(Number(e.object?.code) || 500, `watch error: ${String(e.object?.message ?? "")}`, e.object, {});
          stream.abort();
        };
        try {
          await this.rest.watch(path, { resourceVersion: this.rv, allowWatchBookmarks: true, timeoutSeconds: WATCH_SECONDS }, onEvent, stream.signal, opened).catch((error: unknown) => {
            if (!refused) throw error;
          });
        } finally {
          this.signal.removeEventListener("abort", onStop);
        }
        if (refused) throw refused;
        failures = 0; // the server ended the stream (its timeout): resume from the last version
      } catch (error) {
        if (this.signal.aborted) return;
        this.synced = false;
        if (error instanceof ApiException && error.code === 410) this.rv = ""; // too old: list again
        this.#notify();
        await this.clock.sleep(Math.min(10_000, 250 * 2 ** failures++), this.signal).catch(() => undefined);
      }
    }
  }

  async #list(path: string): Promise<void> {
    const list = await this.rest.request<{ metadata?: { resourceVersion?: string }; items?: Json[] }>("GET", path);
    this.objects.clear();
    for (const o of list.items ?? []) this.objects.set(String(o.metadata?.name), o);
    this.rv = list.metadata?.resourceVersion ?? "";
    this.synced = true;
    this.#notify();
  }

  #event(e: { type: string; object: Json }): void {
    const rv = e.object?.metadata?.resourceVersion;
    if (typeof rv === "string" && rv) this.rv = rv;
    const name = String(e.object?.metadata?.name);
    if (e.type === "ADDED" || e.type === "MODIFIED") this.objects.set(name, e.object);
    else if (e.type === "DELETED") this.objects.delete(name);
    this.#notify();
  }

  /** Whether the cache has seen every change up to `rv` (a version berth itself wrote). */
  seen(rv: string | undefined): boolean {
    if (rv === undefined) return true;
    const have = rvNumber(this.rv);
    const want = rvNumber(rv);
    return have !== undefined && want !== undefined && have >= want;
  }
}

export class WatchCache {
  readonly #informers = new Map<string, Informer>();
  #stop = WatchCache.#controller();

  /** One signal stops every watch: many listen to it. */
  static #controller(): AbortController {
    const c = new AbortController();
    setMaxListeners(0, c.signal);
    return c;
  }

  constructor(
    private readonly rest: KubeRest,
    private readonly clock: Clock,
  ) {}

  /** Starts watching a kind in a namespace (once). */
  follow(scope: Scope): void {
    const key = scopeKey(scope);
    if (!this.#informers.has(key)) this.#informers.set(key, new Informer(this.rest, this.clock, scope, this.#stop.signal));
  }

  get following(): boolean {
    return this.#informers.size > 0;
  }

  /** The object as last seen, when its watch is live and has seen `writtenRv` (what berth last wrote to it). */
  get(scope: Scope, name: string, writtenRv?: string): Known {
    const i = this.#informers.get(scopeKey(scope));
    if (!i?.synced) return UNKNOWN;
    const object = i.objects.get(name);
    if (!i.seen(writtenRv) && !(object && rvNumber(object.metadata?.resourceVersion) === rvNumber(writtenRv))) return writtenRv !== undefined && rvNumber(writtenRv) !== undefined ? BEHIND : UNKNOWN;
    return { known: true, object };
  }

  /** Every object of a live watch, or undefined when it is not live. */
  list(scope: Scope): Json[] | undefined {
    const i = this.#informers.get(scopeKey(scope));
    return i?.synced ? [...i.objects.values()] : undefined;
  }

  /** Resolves at the next change of any of the scopes (or at once when none of them is watched). */
  changed(scopes: readonly Scope[], signal: AbortSignal): Promise<void> | undefined {
    const informers = scopes.map((s) => this.#informers.get(scopeKey(s))).filter((i): i is Informer => i !== undefined);
    if (!informers.length) return undefined;
    const local = new AbortController();
    const onAbort = () => local.abort();
    signal.addEventListener("abort", onAbort, { once: true });
    return Promise.race(informers.map((i) => i.changed(local.signal))).finally(() => {
      local.abort();
      signal.removeEventListener("abort", onAbort);
    });
  }

  /** Stops every watch. */
  stop(): void {
    this.#stop.abort();
    this.#informers.clear();
    this.#stop = WatchCache.#controller();
  }
}
