/**
 * The catalog: component type → implementation, and the synth of every declared component with its connections
 * resolved (each consumer learns what its providers offer it; each provider learns who its consumers are).
 */
import type { KubeDesired } from "../../resources/kube-object.ts";
import type { GeneratedSecret } from "../../resources/secrets.ts";
import type { Platform } from "../../spec/schema.ts";
import type { ComponentContext, ComponentOptions, ComponentType, Consumer } from "./component-type.ts";
import { airflow } from "./airflow/index.ts";
import { clickhouse } from "./clickhouse/index.ts";
import { kafka } from "./kafka/index.ts";
import { minio } from "./minio/index.ts";
import { nessie } from "./nessie/index.ts";
import { postgresql } from "./postgresql/index.ts";
import { redis } from "./redis/index.ts";
import { schemaRegistry } from "./schema-registry/index.ts";
import { externalPostgresql, externalSqlserver } from "./external/index.ts";
import { flink } from "./flink/index.ts";
import { spark } from "./spark/index.ts";
import { superset } from "./superset/index.ts";
import { trino } from "./trino/index.ts";
import { appNamespace } from "../app/context.ts";
import { LABEL } from "../../resources/labels.ts";
import type { ConnectionInfo } from "./component-type.ts";
import { componentSelector } from "./support.ts";
import { namespaceOf } from "../../spec/kubernetes-of.ts";

export const CATALOG: Readonly<Record<ComponentOptions["type"], ComponentType<never>>> = {
  postgresql: postgresql as ComponentType<never>,
  redis: redis as ComponentType<never>,
  minio: minio as ComponentType<never>,
  nessie: nessie as ComponentType<never>,
  kafka: kafka as ComponentType<never>,
  "schema-registry": schemaRegistry as ComponentType<never>,
  clickhouse: clickhouse as ComponentType<never>,
  trino: trino as ComponentType<never>,
  flink: flink as ComponentType<never>,
  spark: spark as ComponentType<never>,
  superset: superset as ComponentType<never>,
  "external-postgresql": externalPostgresql as ComponentType<never>,
  "external-sqlserver": externalSqlserver as ComponentType<never>,
  airflow: airflow as ComponentType<never>,
};

export const resolveNamespace = (platform: Platform, value: string | undefined): string => namespaceOf(platform, value);


const contextCache = new WeakMap<Platform, ComponentContext[]>();

/** Every component with its connections resolved; computed once per resolved platform. */
export function componentContexts(platform: Platform): ComponentContext[] {
  const cached = contextCache.get(platform);
  if (cached) return cached;
  const contexts = buildContexts(platform);
  contextCache.set(platform, contexts);
  return contexts;
}

function buildContexts(platform: Platform): ComponentContext[] {
  const base = Object.entries(platform.spec.components).map(([name, options]) => ({
    platform,
    name,
    options,
    namespace: resolveNamespace(platform, options.namespace),
    origin: ["spec", "components", name] as const,
  }));
  const byName = new Map(base.map((b) => [b.name, b]));
  // Consumers are components and apps alike; an app's pods are selected as its NetworkPolicy selects them. Listed
  // per provider in one pass (components, then apps, then jobs), not by scanning every app for each provider.
  const consumers = new Map<string, Consumer[]>();
  const add = (connects: readonly string[], consumer: () => Consumer) => {
    for (const target of new Set(connects)) {
      const list = consumers.get(target);
      if (list) list.push(consumer());
      else consumers.set(target, [consumer()]);
    }
  };
  for (const b of base) add(b.options.connects, () => ({ name: b.name, namespace: b.namespace, podLabels: componentSelector({ ...b, connections: [], consumers: [] }) }));
  for (const [appName, app] of Object.entries(platform.spec.apps))
    add(app.connects, () => ({ name: appName, namespace: appNamespace(platform, app), podLabels: { [LABEL.name]: appName, [LABEL.partOf]: platform.metadata.name } }));
  for (const [jobName, job] of Object.entries(platform.spec.jobs))
    add(job.connects, () => ({ name: jobName, namespace: resolveNamespace(platform, job.namespace), podLabels: { [LABEL.name]: jobName, [LABEL.partOf]: platform.metadata.name } }));
  const consumersOf = (name: string): Consumer[] => consumers.get(name) ?? [];
  const withConsumers = base.map((b) => ({ ...b, consumers: consumersOf(b.name), connections: [] as ComponentContext["connections"] }));
  return withConsumers.map((ctx) => ({
    ...ctx,
    connections: ctx.options.connects
      .filter((p) => byName.has(p))
      .map((p) => {
        const provider = withConsumers.find((x) => x.name === p)!;
        const me = consumerNamed(provider, ctx.name)!;
        return (CATALOG[provider.options.type] as ComponentType).offer(provider, me);
      }),
  }));
}

const consumerIndex = new WeakMap<ComponentContext, Map<string, Consumer>>();

/** A provider's consumer by name (the first of that name), without scanning them all for every consumer. */
function consumerNamed(provider: ComponentContext, name: string): Consumer | undefined {
  let index = consumerIndex.get(provider);
  if (!index) {
    index = new Map();
    for (const c of provider.consumers) if (!index.has(c.name)) index.set(c.name, c);
    consumerIndex.set(provider, index);
  }
  return index.get(name);
}

/** What each component an app or job connects to offers it. */
export function connectionsFor(platform: Platform, consumer: string, connects: readonly string[]): ConnectionInfo[] {
  const contexts = componentContexts(platform);
  return connects.flatMap((target) => {
    const provider = contexts.find((c) => c.name === target);
    const me = provider ? consumerNamed(provider, consumer) : undefined;
    return provider && me ? [(CATALOG[provider.options.type] as ComponentType).offer(provider, me)] : [];
  });
}

export const connectionsOf = (platform: Platform, appName: string): ConnectionInfo[] =>
  connectionsFor(platform, appName, platform.spec.apps[appName]?.connects ?? []);

export function synthComponents(platform: Platform): { resources: KubeDesired[]; secrets: GeneratedSecret[] } {
  const resources: KubeDesired[] = [];
  const secrets: GeneratedSecret[] = [];
  for (const ctx of componentContexts(platform)) {
    const built = (CATALOG[ctx.options.type] as ComponentType).build(ctx);
    resources.push(...built.resources.map((r) => ({ ...r, group: ["components", ctx.name] })));
    secrets.push(...built.secrets);
  }
  return { resources, secrets };
}
