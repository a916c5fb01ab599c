/** The step graph: waves, cycles (printed in full), the critical path and a reduced view of needs for people. */

interface Node {
  readonly id: string;
  readonly needs: readonly string[];
}

/** A cycle as the list of ids that close it (`a → b → a`), or undefined. */
export function findCycle(nodes: readonly Node[]): string[] | undefined {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    const s = state.get(id);
    if (s === "done") return undefined;
    if (s === "visiting") return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, "visiting");
    stack.push(id);
    for (const need of byId.get(id)?.needs ?? []) {
      const cycle = visit(need);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(id, "done");
    return undefined;
  };
  for (const n of nodes) {
    const cycle = visit(n.id);
    if (cycle) return cycle;
  }
  return undefined;
}

/** Wave of each node: 0 without needs, else one more than its latest need. Assumes no cycle. */
export function wavesOf(nodes: readonly Node[]): Map<string, number> {
  return new Map([...longestPaths(nodes, () => 1)].map(([id, count]) => [id, count - 1]));
}

/** Longest weighted path ending at each node (its own weight included). */
function longestPaths(nodes: readonly Node[], weight: (id: string) => number): Map<string, number> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const memo = new Map<string, number>();
  const depth = (id: string): number => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const needs = byId.get(id)?.needs ?? [];
    const value = weight(id) + (needs.length ? Math.max(...needs.map(depth)) : 0);
    memo.set(id, value);
    return value;
  };
  for (const n of nodes) depth(n.id);
  return memo;
}

/** Length of the longest path when each node takes `weight` ms: no scheduler can finish sooner. */
export function criticalPath(nodes: readonly Node[], weight: (id: string) => number): { readonly ms: number; readonly path: readonly string[] } {
  const ends = longestPaths(nodes, weight);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  let last: string | undefined;
  for (const [id, ms] of ends) if (last === undefined || ms > ends.get(last)!) last = id;
  const path: string[] = [];
  for (let at = last; at !== undefined; ) {
    path.unshift(at);
    const needs = byId.get(at)!.needs;
    at = needs.length ? needs.reduce((a, b) => (ends.get(a)! >= ends.get(b)! ? a : b)) : undefined;
  }
  return { ms: last === undefined ? 0 : ends.get(last)!, path };
}

/** Needs not already implied by another need: what a person wants to read in a plan. */
export function directNeeds(nodes: readonly Node[]): Map<string, string[]> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const reach = new Map<string, Set<string>>();
  const reachable = (id: string): Set<string> => {
    const known = reach.get(id);
    if (known) return known;
    const set = new Set<string>();
    for (const need of byId.get(id)?.needs ?? []) {
      set.add(need);
      for (const r of reachable(need)) set.add(r);
    }
    reach.set(id, set);
    return set;
  };
  const out = new Map<string, string[]>();
  for (const n of nodes) {
    const implied = new Set(n.needs.flatMap((need) => [...reachable(need)]));
    out.set(n.id, n.needs.filter((need) => !implied.has(need)));
  }
  return out;
}
