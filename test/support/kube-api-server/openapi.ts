/**
 * A minimal /openapi/v3: one document per served group-version whose PATCH operations declare the
 * `fieldValidation` query parameter. That is all kubectl's validation looks for: it then leaves
 * validation to the server (no schemas are served; unknown fields are not rejected).
 */
import { apiVersionOf, type Registry } from "./resources.ts";
import type { Obj } from "./types.ts";
import { hex } from "./util.ts";

const gvPath = (group: string, version: string): string => (group ? `apis/${group}/${version}` : `api/${version}`);

function groupVersions(registry: Registry): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const r of registry.all()) seen.set(apiVersionOf(r), { group: r.group, version: r.version });
  return [...seen.values()];
}

export function openApiV3Root(registry: Registry): Obj {
  const paths: Obj = {};
  for (const gv of groupVersions(registry)) {
    const p = gvPath(gv.group, gv.version);
    paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${hex(JSON.stringify(registry.all().filter((r) => apiVersionOf(r) === apiVersionOf(gv))), 32).toUpperCase()}` };
  }
  return { paths };
}

const PARAMS = ["dryRun", "fieldManager", "fieldValidation", "force"].map((name) => ({ name, in: "query", schema: { type: name === "force" ? "boolean" : "string", uniqueItems: true } }));

export function openApiV3Document(registry: Registry, path: string): Obj | undefined {
  const gv = groupVersions(registry).find((x) => gvPath(x.group, x.version) === path);
  if (!gv) return undefined;
  const paths: Obj = {};
  for (const r of registry.all().filter((x) => x.group === gv.group && x.version === gv.version)) {
    const base = `/${gvPath(r.group, r.version)}${r.namespaced ? "/namespaces/{namespace}" : ""}/${r.plural}/{name}`;
    paths[base] = {
      patch: {
        operationId: `patch${r.kind}`,
        "x-kubernetes-action": "patch",
        "x-kubernetes-group-version-kind": { group: r.group, version: r.version, kind: r.kind },
        parameters: PARAMS,
        responses: { "200": { description: "OK" } },
      },
    };
  }
  return { openapi: "3.0.0", info: { title: "Kubernetes", version: "v1.32.4" }, paths, components: { schemas: {} } };
}
