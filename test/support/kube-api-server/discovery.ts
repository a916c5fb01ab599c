/** Legacy discovery documents: /version, /api, /api/v1, /apis, /apis/{group}, /apis/{group}/{version}. */
import { ALL_VERBS, apiVersionOf, type Registry, type ResourceDef } from "./resources.ts";
import type { Obj } from "./types.ts";
import { hex } from "./util.ts";

export const VERSION_INFO = {
  major: "1",
  minor: "32",
  gitVersion: "v1.32.4",
  gitCommit: "59526cd4867447956156ae3a602fcbac10a2c335",
  gitTreeState: "clean",
  buildDate: "2025-04-22T16:03:17Z",
  goVersion: "go1.23.6",
  compiler: "gc",
  platform: "linux/amd64",
};

function resourceEntries(r: ResourceDef): Obj[] {
  const main: Obj = {
    name: r.plural,
    singularName: r.singular,
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: r.verbs ?? ALL_VERBS,
    ...(r.shortNames ? { shortNames: r.shortNames } : {}),
    ...(r.categories ? { categories: r.categories } : {}),
    storageVersionHash: hex(`${r.group}/${r.version}/${r.kind}`, 11),
  };
  const subs: Obj[] = [];
  if (r.statusSubresource) subs.push({ name: `${r.plural}/status`, singularName: "", namespaced: r.namespaced, kind: r.kind, verbs: ["get", "patch", "update"] });
  for (const s of r.subresources ?? []) {
    if (s === "scale") subs.push({ name: `${r.plural}/scale`, singularName: "", namespaced: r.namespaced, group: "autoscaling", version: "v1", kind: "Scale", verbs: ["get", "patch", "update"] });
    else subs.push({ name: `${r.plural}/${s}`, singularName: "", namespaced: r.namespaced, kind: r.kind, verbs: ["get"] });
  }
  return [main, ...subs];
}

export function resourceList(registry: Registry, group: string, version: string): Obj | undefined {
  const defs = registry.all().filter((r) => r.group === group && r.version === version);
  if (defs.length === 0) return undefined;
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion: apiVersionOf({ group, version }), resources: defs.flatMap(resourceEntries) };
}

export const apiVersions = (serverAddress: string): Obj => ({
  kind: "APIVersions",
  versions: ["v1"],
  serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }],
});

function groups(registry: Registry): Obj[] {
  const byGroup = new Map<string, string[]>();
  for (const r of registry.all()) {
    if (r.group === "") continue;
    const versions = byGroup.get(r.group) ?? [];
    if (!versions.includes(r.version)) versions.push(r.version);
    byGroup.set(r.group, versions);
  }
  return [...byGroup.entries()].map(([name, versions]) => {
    const gvs = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
    return { name, versions: gvs, preferredVersion: gvs[0] };
  });
}

export const apiGroupList = (registry: Registry): Obj => ({ kind: "APIGroupList", apiVersion: "v1", groups: groups(registry) });

export function apiGroup(registry: Registry, name: string): Obj | undefined {
  const g = groups(registry).find((x) => x.name === name);
  return g ? { kind: "APIGroup", apiVersion: "v1", ...g } : undefined;
}
