/** Renders the spec reference (docs/spec-reference.md) from the JSON Schema, so docs and validation never drift. */
import { platformJsonSchema } from "./json-schema.ts";

type Node = { [k: string]: unknown };

const typeOf = (n: Node): string => {
  const options = (n.anyOf ?? n.oneOf) as Node[] | undefined;
  if (options) return options.map(typeOf).join(" | ");
  if (n.const !== undefined) return `\`${JSON.stringify(n.const)}\``;
  if (n.enum) return (n.enum as unknown[]).map((v) => `\`${String(v)}\``).join(" | ");
  if (n.type === "array") return `list of ${typeOf((n.items as Node) ?? {})}`;
  if (n.type === "object" && n.additionalProperties && typeof n.additionalProperties === "object" && !n.properties) return `map of ${typeOf(n.additionalProperties as Node)}`;
  if (n.type === "integer") {
    const range = n.minimum !== undefined && n.maximum !== undefined && (n.maximum as number) < 1e9 ? ` (${String(n.minimum)}–${String(n.maximum)})` : n.minimum !== undefined ? ` (≥ ${String(n.minimum)})` : "";
    return `integer${range}`;
  }
  return String(n.type ?? "any");
};

const cell = (s: unknown) => String(s ?? "").replace(/\|/g, "\\|").replace(/\n/g, " ");

export function renderSpecReference(): string {
  const lines: string[] = [
    "# berth.yaml reference",
    "",
    "Generated from the schema (`npm run docs:spec`); `berth schema` prints the same schema as JSON Schema.",
    "Paths use `<name>` for map keys you choose and `[]` for list items.",
    "",
  ];
  const sections: { path: string; node: Node }[] = [];
  const walk = (path: string, node: Node) => {
    const props = node.properties as Record<string, Node> | undefined;
    if (props) {
      sections.push({ path, node });
      for (const [k, v] of Object.entries(props)) walk(`${path}.${k}`, v);
      return;
    }
    const options = (node.anyOf ?? node.oneOf) as Node[] | undefined;
    if (options) options.forEach((o, i) => (o.properties ? walk(`${path}{${i + 1}}`, o) : undefined));
    if (node.type === "array" && node.items) walk(`${path}[]`, node.items as Node);
    if (node.type === "object" && node.additionalProperties && typeof node.additionalProperties === "object") walk(`${path}.<name>`, node.additionalProperties as Node);
  };
  const root = platformJsonSchema();
  walk("", root);
  for (const { path, node } of sections) {
    if (path.startsWith(".spec.environments.<name>.")) continue;
    lines.push(`## \`${path === "" ? "(document)" : path.slice(1)}\``, "");
    if (node.description) lines.push(String(node.description), "");
    const required = new Set((node.required as string[] | undefined) ?? []);
    lines.push("| field | type | required | default | description |", "|---|---|---|---|---|");
    for (const [k, v] of Object.entries(node.properties as Record<string, Node>)) {
      lines.push(`| \`${k}\` | ${cell(typeOf(v))} | ${required.has(k) && v.default === undefined ? "yes" : ""} | ${v.default !== undefined ? `\`${cell(JSON.stringify(v.default))}\`` : ""} | ${cell(v.description)} |`);
    }
    lines.push("");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}
