/**
 * Chart templates: the very objects of the manifests, with tunable fields read from .Values and each group wrapped
 * in its `enabled` switch. Literal `{{` and `}}` in objects (alert annotations, for one) are escaped for Go templates.
 */
import type { KubeDesired, KubeObject } from "../../resources/kube-object.ts";
import { compareObjects, OUTPUT_GROUPS } from "../layout.ts";
import { cachedYaml, toYaml } from "../yaml.ts";

const PLACEHOLDER = /__BERTH_VALUE_(\d+)__/g;

const valuesRef = (path: readonly string[]) => `index .Values ${path.map((p) => JSON.stringify(p)).join(" ")}`;

const escapeBraces = (text: string) => (text.includes("{{") || text.includes("}}") ? text.replace(/\{\{|\}\}/g, (m) => (m === "{{" ? '{{ "{{" }}' : '{{ "}}" }}')) : text);

type Node = Record<string | number, unknown>;

/**
 * The object with a value replaced at each path. Only the maps and lists along the paths are copied; the rest is
 * shared with the original, which stays untouched (a deep clone of every Deployment cost more than rendering it).
 */
function withFields(o: KubeObject, fields: readonly { path: readonly (string | number)[]; value: unknown }[]): KubeObject {
  const copies = new Set<unknown>();
  const copy = (n: unknown): Node => {
    const c = (Array.isArray(n) ? [...n] : { ...(n as Node) }) as Node;
    copies.add(c);
    return c;
  };
  const root = copy(o);
  for (const { path, value } of fields) {
    let node = root;
    for (const k of path.slice(0, -1)) {
      const child = node[k];
      node = (node[k] = copies.has(child) ? child : copy(child)) as Node;
    }
    node[path[path.length - 1]!] = value;
  }
  return root as unknown as KubeObject;
}

export function objectTemplate(r: KubeDesired): string {
  if (!r.tunables?.length) return `---\n${escapeBraces(cachedYaml(r.object))}`;
  const refs = r.tunables.map((t) => t.values);
  const text = escapeBraces(toYaml(withFields(r.object, r.tunables.map((t, i) => ({ path: t.field, value: `__BERTH_VALUE_${i}__` })))));
  return `---\n${text.replace(PLACEHOLDER, (_, i: string) => `{{ ${valuesRef(refs[Number(i)]!)} | toJson }}`)}`;
}

const KIND_ORDER = OUTPUT_GROUPS.flatMap((g) => g.kinds);
const byApplyOrder = (a: KubeDesired, b: KubeDesired) =>
  (KIND_ORDER.indexOf(a.object.kind) + 1 || 999) - (KIND_ORDER.indexOf(b.object.kind) + 1 || 999) || compareObjects(a.object, b.object);

/** Helm refuses template files over 5 MiB; files are cut well below that. */
export const MAX_TEMPLATE_BYTES = 1024 * 1024;

/**
 * Templates by kind of group — `templates/apps.yaml`, `components.yaml`, `jobs.yaml` — each group wrapped in its
 * `enabled` switch, plus `templates/platform.yaml` for shared objects. Few files keep large platforms fast to write
 * and to render; a file that would pass MAX_TEMPLATE_BYTES continues in `apps-2.yaml`, `apps-3.yaml`…
 */
export function renderTemplates(resources: readonly KubeDesired[]): { path: string; content: string }[] {
  const groups = new Map<string, { group?: readonly string[]; items: KubeDesired[] }>();
  for (const r of resources) {
    const key = r.group ? r.group.join("/") : "platform";
    const entry = groups.get(key) ?? { group: r.group, items: [] };
    entry.items.push(r);
    groups.set(key, entry);
  }
  const files: { kind: string; part: number; blocks: string[]; bytes: number }[] = [];
  for (const [key, { group, items }] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const kind = group ? group[0]! : "platform";
    // A block's pieces go to its file as they are and are joined once, with the file: a large platform's text is
    // copied once, not once per group and again per file.
    const body = items.sort(byApplyOrder).map(objectTemplate);
    const block = group ? [`{{- /* ${key} */}}\n{{- if ${valuesRef([...group, "enabled"])} }}\n`, ...body, "{{- end }}\n"] : body;
    const length = block.reduce((n, piece) => n + piece.length, 0);
    let file = files.findLast((f) => f.kind === kind);
    if (!file || (file.bytes + length > MAX_TEMPLATE_BYTES && file.blocks.length > 0)) files.push((file = { kind, part: (file?.part ?? 0) + 1, blocks: [], bytes: 0 }));
    for (const piece of block) file.blocks.push(piece);
    file.bytes += length;
  }
  return files
    .sort((a, b) => (a.kind === "platform" ? -1 : b.kind === "platform" ? 1 : a.kind.localeCompare(b.kind) || a.part - b.part))
    .map((f) => ({ path: `chart/templates/${f.kind}${f.part > 1 ? `-${f.part}` : ""}.yaml`, content: f.blocks.join("") }));
}
