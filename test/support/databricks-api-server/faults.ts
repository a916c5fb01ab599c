/** Injected request faults, consumed by count (the Azure test server's shape, matched by workspace instead of service). */
import type { RequestFault } from "./types.ts";

export class Faults {
  #pending: { fault: RequestFault; remaining: number }[] = [];

  add(f: RequestFault): void {
    this.#pending.push({ fault: f, remaining: f.times ?? 1 });
  }

  take(req: { method: string; path: string; workspace: string }): RequestFault | undefined {
    const hit = this.#pending.find(({ fault: { match: m }, remaining }) => {
      if (remaining <= 0) return false;
      if (m.method !== undefined && m.method.toUpperCase() !== req.method) return false;
      if (m.workspace !== undefined && m.workspace !== req.workspace) return false;
      return m.path === undefined || (typeof m.path === "string" ? req.path.toLowerCase().includes(m.path.toLowerCase()) : m.path.test(req.path));
    });
    if (!hit) return undefined;
    hit.remaining--;
    return hit.fault;
  }
}
