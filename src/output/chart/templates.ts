/**
 * Chart templates: the very objects of the manifests, with tunable fields read from .Values and each group wrapped
 * in its `enabled` switch. Literal `{{` and `}}` in objects (alert annotations, for one) are escaped for Go templates.
 */
import type { DesiredResource, KubeObject } from "../../resources/kube-object.ts";
import { compareObjects, OUTPUT_GROUPS } from "../layout.ts";
import { cachedYaml, toYaml } from "../yaml.ts";

const PLACEHOLDER = /__BERTH_VALUE_(\d+)__/g;

const valuesRef = (path: readonly string[]) => `index .Values ${path.map((p) => JSON.stringify(p)).join(" ")}`;

const escapeBraces = (text: string) => text.replace(/\{\{|\}\}/g, (m) => (m === "{{" ? '{{ "{{" }}' : '{{ "}}" }}'));

function setField(o: unknown, path: readonly (string | number)[], value: unknown): void {
  let node = o as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = value;
}

export function objectTemplate(r: DesiredResource): string {
  if (!r.tunables?.length) return `---\n${escapeBraces(cachedYaml(r.object))}`;
  const refs: (readonly string[])[] = [];
  const clone = structuredClone(r.object) as KubeObject;
  for (const t of r.tunables ?? []) {
    setField(clone, t.field, `__BERTH_VALUE_${refs.length}__`);
    refs.push(t.values);
  }
  const text = escapeBraces(toYaml(clone));
  return `---\n${text.replace(PLACEHOLDER, (_, i: string) => `{{ ${valuesRef(refs[Number(i)]!)} | toJson }}`)}`;
}

const KIND_ORDER = OUTPUT_GROUPS.flatMap((g) => g.kinds);
const byApplyOrder = (a: DesiredResource, b: DesiredResource) =>
  (KIND_ORDER.indexOf(a.object.kind) + 1 || 999) - (KIND_ORDER.indexOf(b.object.kind) + 1 || 999) || compareObjects(a.object, b.object);

/** Helm refuses template files over 5 MiB; files are cut well below that. */
export const MAX_TEMPLATE_BYTES = 1024 * 1024;

/**
 * Templates by kind of group — `templates/apps.yaml`, `components.yaml`, `jobs.yaml` — each group wrapped in its
 * `enabled` switch, plus `templates/platform.yaml` for shared objects. Few files keep large platforms fast to write
 * and to render; a file that would pass MAX_TEMPLATE_BYTES continues in `apps-2.yaml`, `apps-3.yaml`…
 */
export function renderTemplates(resources: readonly DesiredResource[]): { path: string; content: string }[] {
  const groups = new Map<string, { group?: readonly string[]; items: DesiredResource[] }>();
  for (const r of resources) {
    const key = r.group ? r.group.join("/") : "platform";
    const entry = groups.get(key) ?? { group: r.group, items: [] };
    entry.items.push(r);
    groups.set(key, entry);
  }
  const files: { kind: string; part: number; blocks: string[]; bytes: number }[] = [];
  for (const [key, { group, items }] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const kind = group ? group[0]! : "platform";
    const body = items.sort(byApplyOrder).map(objectTemplate).join("");
    const block = group ? `{{- /* ${key} */}}\n{{- if ${valuesRef([...group, "enabled"])} }}\n${body}{{- end }}\n` : body;
    let file = files.findLast((f) => f.kind === kind);
    if (!file || (file.bytes + block.length > MAX_TEMPLATE_BYTES && file.blocks.length > 0)) files.push((file = { kind, part: (file?.part ?? 0) + 1, blocks: [], bytes: 0 }));
    file.blocks.push(block);
    file.bytes += block.length;
  }
  return files
    .sort((a, b) => (a.kind === "platform" ? -1 : b.kind === "platform" ? 1 : a.kind.localeCompare(b.kind) || a.part - b.part))
    .map((f) => ({ path: `chart/templates/${f.kind}${f.part > 1 ? `-${f.part}` : ""}.yaml`, content: f.blocks.join("") }));
}
