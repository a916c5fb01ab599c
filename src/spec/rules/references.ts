import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { CATALOG } from "../../catalog/components/index.ts";
import type { EnvValueSpec } from "../schema.ts";
import { didYouMean } from "../../util/did-you-mean.ts";
import { problem, type SpecRule } from "./rule.ts";
import { isAzureRef } from "../azure-schema.ts";

/** Every name the spec uses refers to something the spec declares. */
export const references: SpecRule = (spec) => {
  const out: Diagnostic[] = [];
  const { apps, secrets, components } = spec.platform.spec;
  // Identities berth makes (spec.azure.identities) and ones made outside it (spec.identities, by client id).
  const identities = { ...spec.platform.spec.identities, ...spec.platform.spec.azure?.identities };
  const appNames = Object.keys(apps);
  const componentNames = Object.keys(components);
  const targets = [...appNames, ...componentNames];
  for (const [name, app] of Object.entries(apps)) {
    const at = ["spec", "apps", name];
    app.connects.forEach((target, i) => {
      if (!(target in apps) && !(target in components))
        out.push(problem(spec, [...at, "connects", i], "SPEC-UNKNOWN-DEPENDENCY", `unknown dependency '${target}': no app or component of that name`, didYouMean(target, targets) ?? `declared: ${targets.join(", ")}`));
      else if (target === name) out.push(problem(spec, [...at, "connects", i], "SPEC-CYCLE", `cycle: ${name} -> ${name}`, "an app does not need to connect to itself"));
    });
    if (app.identity && !(app.identity in identities))
      out.push(problem(spec, [...at, "identity"], "SPEC-UNKNOWN-IDENTITY", `identity "${app.identity}" is not declared in spec.azure.identities or spec.identities`, didYouMean(app.identity, Object.keys(identities))));
    out.push(...envReferences(spec, at, app.env, app.connects, app.config?.data));
    if (app.config && !app.config.mountPath && !Object.values(app.env).some((v) => typeof v === "object" && "config" in v))
      out.push(problem(spec, [...at, "config"], "SPEC-UNUSED-CONFIG", "the config is neither read by an env entry nor mounted, so the app would never see it", "reference its keys with env: { NAME: { config: key } } or set config.mountPath"));
  }
  for (const [name, component] of Object.entries(components)) {
    for (const needed of CATALOG[component.type].requires ?? []) {
      if (!component.connects.some((t) => components[t]?.type === needed || components[t]?.type === `external-${needed}`))
        out.push(problem(spec, ["spec", "components", name, "connects"], "SPEC-MISSING-CONNECTION", `a ${component.type} component needs a ${needed} connection`, `add a ${needed} component (or an external-${needed}) and list it in connects`));
    }
    if ("credentials" in component) {
      const declared = secrets[component.credentials.secret];
      const at = ["spec", "components", name, "credentials"];
      if (!declared) out.push(problem(spec, [...at, "secret"], "SPEC-UNKNOWN-SECRET", `secret "${component.credentials.secret}" is not declared in spec.secrets`, "declare it with its keys under spec.secrets"));
      else
        for (const k of ["userKey", "passwordKey"] as const)
          if (!declared.keys.includes(component.credentials[k]))
            out.push(problem(spec, [...at, k], "SPEC-UNKNOWN-SECRET-KEY", `secret "${component.credentials.secret}" has no key "${component.credentials[k]}" (keys: ${declared.keys.join(", ")})`, didYouMean(component.credentials[k], declared.keys)));
    }
    if (component.type === "postgresql") {
      const consumers = [...Object.entries(components).filter(([, c]) => c.connects.includes(name)).map(([n]) => n), ...Object.entries(apps).filter(([, a]) => a.connects.includes(name)).map(([n]) => n), ...Object.entries(spec.platform.spec.jobs).filter(([, j]) => j.connects.includes(name)).map(([n]) => n)];
      for (const db of [...component.databases, ...consumers].filter((d) => RESERVED_DATABASES.includes(d)))
        out.push(problem(spec, ["spec", "components", name, component.databases.includes(db) ? "databases" : "connects"], "SPEC-RESERVED-DATABASE", `"${db}" names one of PostgreSQL's own databases and roles; its password would be overwritten with a user's`, "choose another name for the database or the consumer"));
    }
    const git = component.type === "airflow" ? component.gitSync?.credentials : undefined;
    if (git) {
      const declared = secrets[git.secret];
      const at = ["spec", "components", name, "gitSync", "credentials"];
      if (!declared) out.push(problem(spec, [...at, "secret"], "SPEC-UNKNOWN-SECRET", `secret "${git.secret}" is not declared in spec.secrets`, "declare it with its keys under spec.secrets"));
      else
        for (const k of ["usernameKey", "passwordKey"] as const)
          if (!declared.keys.includes(git[k])) out.push(problem(spec, [...at, k], "SPEC-UNKNOWN-SECRET-KEY", `secret "${git.secret}" has no key "${git[k]}" (keys: ${declared.keys.join(", ")})`, didYouMean(git[k], declared.keys)));
    }
    if (component.type === "airflow" && component.identity && !(component.identity in identities))
      out.push(problem(spec, ["spec", "components", name, "identity"], "SPEC-UNKNOWN-IDENTITY", `identity "${component.identity}" is not declared in spec.azure.identities or spec.identities`, didYouMean(component.identity, Object.keys(identities))));
    component.connects.forEach((target, i) => {
      const at = ["spec", "components", name, "connects", i];
      if (target === name) out.push(problem(spec, at, "SPEC-CYCLE", `cycle: ${name} -> ${name}`, "a component does not need to connect to itself"));
      else if (!(target in components))
        out.push(problem(spec, at, "SPEC-UNKNOWN-DEPENDENCY", `unknown dependency '${target}': no component of that name${target in apps ? " (components connect to components; an app connects to a component from the app's side)" : ""}`, didYouMean(target, componentNames)));
    });
  }
  for (const [name, job] of Object.entries(spec.platform.spec.jobs)) {
    const at = ["spec", "jobs", name];
    job.after.forEach((target, i) => {
      if (!(target in spec.platform.spec.jobs))
        out.push(problem(spec, [...at, "after", i], "SPEC-UNKNOWN-DEPENDENCY", `unknown dependency '${target}': no job of that name`, didYouMean(target, Object.keys(spec.platform.spec.jobs))));
      else if (target === name) out.push(problem(spec, [...at, "after", i], "SPEC-CYCLE", `cycle: ${name} -> ${name}`, "a job cannot run after itself"));
    });
    job.connects.forEach((target, i) => {
      if (!(target in components)) out.push(problem(spec, [...at, "connects", i], "SPEC-UNKNOWN-DEPENDENCY", `unknown dependency '${target}': no component of that name`, didYouMean(target, componentNames)));
    });
    if (job.identity && !(job.identity in identities))
      out.push(problem(spec, [...at, "identity"], "SPEC-UNKNOWN-IDENTITY", `identity "${job.identity}" is not declared in spec.azure.identities or spec.identities`, didYouMean(job.identity, Object.keys(identities))));
    out.push(...envReferences(spec, at, job.env, job.connects, undefined));
  }
  out.push(...cycles(spec, "jobs", Object.fromEntries(Object.entries(spec.platform.spec.jobs).map(([n, j]) => [n, j.after])), "after"));
  out.push(...cycles(spec, "apps", Object.fromEntries(Object.entries(apps).map(([n, a]) => [n, a.connects]))));
  out.push(...cycles(spec, "components", Object.fromEntries(Object.entries(components).map(([n, c]) => [n, c.connects]))));
  return out;
};

/** Every reference an env block makes: declared secrets and keys, config keys, connected components' offers. */
function envReferences(spec: Parameters<SpecRule>[0], at: (string | number)[], env: Record<string, EnvValueSpec>, connects: readonly string[], config: Record<string, string> | undefined): Diagnostic[] {
  const out: Diagnostic[] = [];
  const { secrets, components } = spec.platform.spec;
  for (const [envName, value] of Object.entries(env)) {
    if (typeof value !== "object") continue;
    if ("secret" in value) {
      const declared = secrets[value.secret];
      if (!declared)
        out.push(problem(spec, [...at, "env", envName, "secret"], "SPEC-UNKNOWN-SECRET", `secret "${value.secret}" is not declared in spec.secrets`, didYouMean(value.secret, Object.keys(secrets)) ?? "declare it with its keys under spec.secrets"));
      else if (!declared.keys.includes(value.key))
        out.push(problem(spec, [...at, "env", envName, "key"], "SPEC-UNKNOWN-SECRET-KEY", `secret "${value.secret}" has no key "${value.key}" (keys: ${declared.keys.join(", ")})`, didYouMean(value.key, declared.keys)));
    }
    if ("from" in value && !isAzureRef(value)) {
      const provider = components[value.from];
      if (!provider || !connects.includes(value.from))
        out.push(problem(spec, [...at, "env", envName, "from"], "SPEC-NOT-CONNECTED", `env ${envName} reads from "${value.from}", which is not a component listed in connects`, provider ? `add ${value.from} to connects` : didYouMean(value.from, connects.filter((c) => c in components))));
      else if (!(OFFERS[provider.type] ?? []).includes(value.value))
        out.push(problem(spec, [...at, "env", envName, "value"], "SPEC-NOT-OFFERED", `a ${provider.type} connection offers ${(OFFERS[provider.type] ?? []).join(", ")}, not ${value.value}`));
    }
    if ("config" in value) {
      if (!config) out.push(problem(spec, [...at, "env", envName], "SPEC-UNKNOWN-CONFIG-KEY", `env ${envName} reads config key "${value.config}" but there is no config here`, "add config.data to the app"));
      else if (!(value.config in config)) out.push(problem(spec, [...at, "env", envName, "config"], "SPEC-UNKNOWN-CONFIG-KEY", `config has no key "${value.config}"`, didYouMean(value.config, Object.keys(config))));
    }
  }
  return out;
}

/** Names PostgreSQL keeps for itself: a database and user of that name would take over the superuser. */
const RESERVED_DATABASES = ["postgres", "template0", "template1"];

const OFFERS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(Object.values(CATALOG).map((t) => [t.type, t.offers]));

/** connects orders the rollout, so it must not loop; the error prints the loop, as kapp does. */
function cycles(spec: Parameters<SpecRule>[0], kind: "apps" | "components" | "jobs", edges: Record<string, readonly string[]>, field = "connects"): Diagnostic[] {
  const out: Diagnostic[] = [];
  const state = new Map<string, "visiting" | "done">();
  const reported = new Set<string>();
  // The path walked so far, one array pushed and popped (a copy per step grew with the square of a long chain).
  const trail: string[] = [];
  const visit = (name: string) => {
    if (state.get(name) === "done") return;
    if (state.get(name) === "visiting") {
      const loop = [...trail.slice(trail.indexOf(name)), name];
      const key = [...loop.slice(0, -1)].sort().join(",");
      if (!reported.has(key) && loop.length > 2) {
        reported.add(key);
        out.push(problem(spec, ["spec", kind, loop[0]!, field], "SPEC-CYCLE", `cycle: ${loop.join(" -> ")}`, field === "after" ? "jobs run in the order after declares; remove one of the links" : "connects orders the rollout; remove one direction (traffic back to a caller is allowed by the caller's own connects)"));
      }
      return;
    }
    state.set(name, "visiting");
    trail.push(name);
    for (const next of edges[name] ?? []) if (next in edges && next !== name) visit(next);
    trail.pop();
    state.set(name, "done");
  };
  for (const name of Object.keys(edges)) visit(name);
  return out;
}
