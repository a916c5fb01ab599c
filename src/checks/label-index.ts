/**
 * Label selection without scanning every object: a selector's matches are looked up by namespace and label pair,
 * so the rules that pair Services with pods, policies with pods or ServiceMonitors with Services stay linear on
 * platforms with thousands of objects in one namespace (a per-object scan made them quadratic).
 *
 * Both indexes answer exactly what a scan would (`matchLabels` semantics: every pair of the selector is among the
 * labels), in the order the objects were added.
 */

type Labels = Readonly<Record<string, string>>;

/** Namespace and pair as one key; an object without a namespace is kept apart from every namespace name. */
const bucket = (ns: string | undefined, key: string, value: string) => `${ns === undefined ? "" : `ns:${ns}`}\u0000${key}=${value}`;

/** Whether every pair of the selector is among the labels (an empty selector is always a subset). */
export const includesAll = (labels: Labels | undefined, selector: Labels): boolean => {
  for (const key in selector) if (labels?.[key] !== selector[key]) return false;
  return true;
};

/** Objects with labels: which of them does a selector pick? */
export class LabelIndex<T> {
  private readonly buckets = new Map<string, { labels: Labels; item: T }[]>();

  add(ns: string | undefined, labels: Labels, item: T): void {
    const entry = { labels, item };
    for (const key in labels) append(this.buckets, bucket(ns, key, labels[key]!), entry);
  }

  /** The objects of a namespace whose labels include every pair of the selector, in the order added; an empty selector picks none. */
  select(ns: string | undefined, selector: Labels): T[] {
    // The rarest pair of the selector bounds the candidates; a pair no object has means no match.
    let smallest: { labels: Labels; item: T }[] | undefined;
    for (const key in selector) {
      const list = this.buckets.get(bucket(ns, key, selector[key]!));
      if (!list) return [];
      if (!smallest || list.length < smallest.length) smallest = list;
    }
    if (!smallest) return [];
    const out: T[] = [];
    for (const e of smallest) if (includesAll(e.labels, selector)) out.push(e.item);
    return out;
  }
}

/** Objects with selectors (policies, budgets): which of them pick a given set of labels? */
export class SelectorIndex<T> {
  private readonly buckets = new Map<string, Filed<T>[]>();
  /** Selectors without pairs, by namespace: they pick every pod of it. */
  private readonly empty = new Map<string | undefined, Filed<T>[]>();

  /** Each selector is filed under its pair that fewest selectors share, so a lookup reads short lists. */
  constructor(entries: readonly { readonly ns: string | undefined; readonly selector: Labels; readonly item: T }[]) {
    const count = new Map<string, number>();
    for (const { ns, selector } of entries)
      for (const key in selector) {
        const k = bucket(ns, key, selector[key]!);
        count.set(k, (count.get(k) ?? 0) + 1);
      }
    entries.forEach(({ ns, selector, item }, order) => {
      let rarest: string | undefined;
      for (const key in selector) {
        const k = bucket(ns, key, selector[key]!);
        if (rarest === undefined || count.get(k)! < count.get(rarest)!) rarest = k;
      }
      if (rarest === undefined) append(this.empty, ns, { selector, item, order });
      else append(this.buckets, rarest, { selector, item, order });
    });
  }

  /** The objects of a namespace whose selector is a subset of the labels (an empty selector picks every pod), in the order given. */
  selecting(ns: string | undefined, labels: Labels): T[] {
    const found = [...(this.empty.get(ns) ?? [])];
    for (const key in labels) for (const e of this.buckets.get(bucket(ns, key, labels[key]!)) ?? []) if (includesAll(labels, e.selector)) found.push(e);
    if (found.length > 1) found.sort((a, b) => a.order - b.order);
    return found.map((e) => e.item);
  }
}

interface Filed<T> {
  readonly selector: Labels;
  readonly item: T;
  readonly order: number;
}

function append<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
