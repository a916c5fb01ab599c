/**
 * airflow — Apache Airflow 3 on the official image, Celery executor.
 *
 * - Metadata DB: the postgresql (or external-postgresql, with its sslmode) it connects to; broker: the redis.
 * - A migrate Job, named after its content, runs `airflow db migrate` and creates the admin user (with its role:
 *   seed 003's user hook failed without one); every other pod waits for the migrations in an init container.
 * - DAGs come from git: a one-time sync before start, then a sidecar; credentials by secretKeyRef.
 * - Each role has its own ServiceAccount, so workload identity and the secret-reader Role can be given to exactly
 *   the pods that run DAG code (worker, scheduler, dag-processor, triggerer), with the pod label the webhook needs.
 * - Shell steps are single argument strings joined with "; ", never line continuations (seed 003 defect 4).
 */
import type { IContainer } from "kubernetes-models/v1/Container";
import type { IEnvVar } from "kubernetes-models/v1/EnvVar";
import { desired, type KubeDesired } from "../../../resources/kube-object.ts";
import { ANNOTATION, LABEL } from "../../../resources/labels.ts";
import type { ComponentContext, ComponentType, ConnectionInfo } from "../component-type.ts";
import { ENTRA_ID, type ExternalEndpoint } from "../../../resources/network-policy.ts";
import { componentNetworkPolicy, componentServiceAccount } from "../objects.ts";
import { execProbe, httpHealth, httpProbe, oneShotJob, secretEnv, serverObjects, tcpProbe, userEnv } from "../server.ts";
import { componentLabels, componentSelector, serviceHost, type Sizing } from "../support.ts";
import type { AIRFLOW_ROLES } from "./options.ts";
import { kubernetesOf } from "../../../spec/kubernetes-of.ts";
import { workloadIdentity } from "../../azure/workload-identity.ts";
import { azureRefValue } from "../../azure/ids.ts";
import { egressHostOf } from "../../azure/egress-hosts.ts";
import { componentImage } from "../../image.ts";

type Options = Extract<ComponentContext["options"], { type: "airflow" }>;
type Ctx = ComponentContext<Options>;
type Role = (typeof AIRFLOW_ROLES)[number];

export const AIRFLOW_IMAGE = "apache/airflow:3.0.6";
export const GIT_SYNC_IMAGE = "registry.k8s.io/git-sync/git-sync:v4.4.2";
const API = 8080;
const WORKER_LOGS = 8793;
const TRIGGERER_LOGS = 8794;
const UID = 50000;
const GIT_SYNC_HEALTH = 1234;

/** The roles that run DAG code, and so may need cloud identity and secrets. */
export const DAG_ROLES: readonly Role[] = ["worker", "scheduler", "dag-processor", "triggerer"];

const DEFAULT_SIZING: Record<Role, Sizing> = {
  "api-server": { requests: { cpu: "250m", memory: "1Gi" }, limits: { cpu: "1", memory: "2Gi" } },
  scheduler: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "1", memory: "2Gi" } },
  "dag-processor": { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
  triggerer: { requests: { cpu: "100m", memory: "512Mi" }, limits: { cpu: "500m", memory: "1Gi" } },
  worker: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2", memory: "4Gi" } },
};

export const serviceAccountOf = (ctx: Ctx, role: Role) => `${ctx.name}-${role}`;
const keys = (ctx: Ctx) => `${ctx.name}-keys`;
const admin = (ctx: Ctx) => `${ctx.name}-admin`;

const offer = (ctx: Ctx): ConnectionInfo => ({
  provider: ctx.name,
  type: "airflow",
  host: serviceHost(`${ctx.name}-api-server`, ctx.namespace),
  port: API,
  url: `http://${serviceHost(`${ctx.name}-api-server`, ctx.namespace)}:${API}`,
  ports: [API],
  podLabels: componentSelector(ctx, "api-server"),
  namespace: ctx.namespace,
});

const sizingOf = (ctx: Ctx, role: Role): Sizing => ({
  requests: { ...DEFAULT_SIZING[role].requests, ...ctx.options.resources?.requests, ...ctx.options.resourcesByRole[role]?.requests },
  limits: { ...DEFAULT_SIZING[role].limits, ...ctx.options.resources?.limits, ...ctx.options.resourcesByRole[role]?.limits },
});

/** Environment every Airflow container shares: connections by reference, keys from the generated secret. */
export function airflowEnv(ctx: Ctx): IEnvVar[] {
  const db = ctx.connections.find((c) => c.type === "postgresql" || c.type === "external-postgresql")!;
  const broker = ctx.connections.find((c) => c.type === "redis")!;
  const user = db.userRef ? "$(BERTH_DB_USER)" : db.user!;
  const ssl = db.sslmode ? `?sslmode=${db.sslmode}` : "";
  const dbPath = `${user}:$(BERTH_DB_PASSWORD)@${db.host}:${db.port}/${db.database}${ssl}`;
  const git = ctx.options.gitSync;
  return [
    userEnv("BERTH_DB_USER", db),
    secretEnv("BERTH_DB_PASSWORD", db.password!.name, db.password!.key),
    secretEnv("BERTH_REDIS_PASSWORD", broker.password!.name, broker.password!.key),
    { name: "AIRFLOW__CORE__EXECUTOR", value: "CeleryExecutor" },
    { name: "AIRFLOW__CORE__AUTH_MANAGER", value: "airflow.providers.fab.auth_manager.fab_auth_manager.FabAuthManager" },
    { name: "AIRFLOW__CORE__LOAD_EXAMPLES", value: "False" },
    { name: "AIRFLOW__CORE__EXECUTION_API_SERVER_URL", value: `http://${serviceHost(`${ctx.name}-api-server`, ctx.namespace)}:${API}/execution/` },
    { name: "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", value: `postgresql+psycopg2://${dbPath}` },
    { name: "AIRFLOW__CELERY__RESULT_BACKEND", value: `db+postgresql://${dbPath}` },
    { name: "AIRFLOW__CELERY__BROKER_URL", value: `redis://:$(BERTH_REDIS_PASSWORD)@${broker.host}:${broker.port}/0` },
    secretEnv("AIRFLOW__CORE__FERNET_KEY", keys(ctx), "fernet-key"),
    secretEnv("AIRFLOW__API_AUTH__JWT_SECRET", keys(ctx), "jwt-secret"),
    secretEnv("AIRFLOW__API__SECRET_KEY", keys(ctx), "api-secret-key"),
    { name: "AIRFLOW_CONFIG", value: "/tmp/airflow.cfg" },
    { name: "AIRFLOW__LOGGING__BASE_LOG_FOLDER", value: "/opt/airflow/logs" },
    ...(git ? [{ name: "AIRFLOW__CORE__DAGS_FOLDER", value: `/git/repo/${git.subPath}`.replace(/\/+$/, "") }] : []),
    { name: "PYTHONDONTWRITEBYTECODE", value: "1" },
    ...Object.entries(ctx.options.env).map(([name, value]) => ({ name, value: typeof value === "string" ? value : azureRefValue(ctx.platform.spec.azure!, value) })),
  ];
}

/**
 * Egress an env value implies: an https URL's host, or, for a reference, the domain of the service it names (the
 * exact host is assigned by Azure; egress-hosts.ts).
 */
function envEndpoint(ctx: Ctx, value: Ctx["options"]["env"][string]): ExternalEndpoint[] {
  if (typeof value === "string") return /^https:\/\/[^/]+/.test(value) ? [{ hosts: [new URL(value).hostname], ports: [443] }] : [];
  const endpoint = egressHostOf(ctx.platform.spec.azure!, value);
  return endpoint ? [endpoint] : [];
}

function gitSync(ctx: Ctx, oneTime: boolean): IContainer {
  const git = ctx.options.gitSync!;
  const creds = git.credentials;
  return {
    name: oneTime ? "git-sync-init" : "git-sync",
    image: GIT_SYNC_IMAGE,
    env: [
      { name: "GITSYNC_REPO", value: git.repo },
      { name: "GITSYNC_REF", value: git.branch },
      { name: "GITSYNC_ROOT", value: "/git" },
      { name: "GITSYNC_LINK", value: "repo" },
      { name: "GITSYNC_PERIOD", value: git.period },
      { name: "GITSYNC_ONE_TIME", value: String(oneTime) },
      { name: "HOME", value: "/tmp" },
      ...(oneTime ? [] : [{ name: "GITSYNC_HTTP_BIND", value: `:${GIT_SYNC_HEALTH}` }]),
      ...(creds ? [secretEnv("GITSYNC_USERNAME", creds.secret, creds.usernameKey), secretEnv("GITSYNC_PASSWORD", creds.secret, creds.passwordKey)] : []),
    ],
    resources: { requests: { cpu: "10m", memory: "64Mi" }, limits: { cpu: "200m", memory: "256Mi" } },
    volumeMounts: [{ name: "dags", mountPath: "/git" }],
    ...(oneTime
      ? {}
      : {
          ports: [{ name: "git-sync", containerPort: GIT_SYNC_HEALTH, protocol: "TCP" }],
          livenessProbe: httpProbe("/", "git-sync", { periodSeconds: 30, failureThreshold: 10 }),
          readinessProbe: httpProbe("/", "git-sync", { periodSeconds: 10 }),
        }),
  };
}

function build(ctx: Ctx) {
  const group = ["components", ctx.name];
  const image = componentImage(ctx, AIRFLOW_IMAGE);
  const env = airflowEnv(ctx);
  const git = ctx.options.gitSync;
  const identity = workloadIdentity(ctx.platform, ctx.options.identity);
  const logsClaim = `${ctx.name}-logs`;
  const shared = {
    mounts: [...(git ? [{ name: "dags", mountPath: "/git" }] : []), { name: "logs", mountPath: "/opt/airflow/logs" }],
    volumes: [...(git ? [{ name: "dags", emptyDir: {} }] : []), ctx.options.logs ? { name: "logs", persistentVolumeClaim: { claimName: logsClaim } } : { name: "logs", emptyDir: {} }],
  };
  const waitForMigrations: IContainer = {
    name: "wait-for-migrations",
    image,
    command: ["airflow", "db", "check-migrations", "--migration-wait-timeout=600"],
    env,
    resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
  };
  const jobCheck = (type: string, ready = false) =>
    execProbe(["sh", "-c", `airflow jobs check --job-type ${type} --local`], ready ? { periodSeconds: 30, timeoutSeconds: 30, failureThreshold: 2 } : { periodSeconds: 60, timeoutSeconds: 30, failureThreshold: 5 });
  const roleProbes: Record<Role, { liveness: ReturnType<typeof httpProbe>; readiness: ReturnType<typeof httpProbe>; startup?: ReturnType<typeof httpProbe> }> = {
    "api-server": httpHealth("/api/v2/monitor/health", "api"),
    scheduler: { liveness: jobCheck("SchedulerJob"), readiness: jobCheck("SchedulerJob", true) },
    "dag-processor": { liveness: jobCheck("DagProcessorJob"), readiness: jobCheck("DagProcessorJob", true) },
    triggerer: { liveness: jobCheck("TriggererJob"), readiness: jobCheck("TriggererJob", true) },
    worker: {
      liveness: execProbe(["sh", "-c", 'celery --app airflow.providers.celery.executors.celery_executor.app inspect ping -d "celery@$HOSTNAME"'], { periodSeconds: 60, timeoutSeconds: 30, failureThreshold: 5 }),
      // The log server answers only signed /log/ requests: readiness is the port accepting connections.
      readiness: tcpProbe("worker-logs", { periodSeconds: 30 }),
    },
  };
  const commands: Record<Role, string[]> = {
    "api-server": ["airflow", "api-server", "--port", String(API)],
    scheduler: ["airflow", "scheduler"],
    "dag-processor": ["airflow", "dag-processor"],
    triggerer: ["airflow", "triggerer"],
    worker: ["airflow", "celery", "worker"],
  };
  const migrate = [
    "set -e",
    "airflow db migrate",
    'airflow users list | grep -qw admin || airflow users create --role Admin --username admin --email admin@airflow.invalid --firstname Airflow --lastname Admin --password "$ADMIN_PASSWORD"',
  ].join("; ");
  const migration = oneShotJob(ctx, {
    role: "migrate",
    content: migrate + image,
    uid: UID,
    serviceAccount: serviceAccountOf(ctx, "api-server"),
    imageValues: [...group, "migrate", "image"],
    container: {
      name: "migrate",
      image,
      command: ["sh", "-c", migrate],
      env: [...env, secretEnv("ADMIN_PASSWORD", admin(ctx), "password")],
      resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
    },
  });
  const resources: KubeDesired[] = [migration];
  for (const role of ["api-server", "scheduler", "dag-processor", "triggerer", "worker"] as const) {
    const runsDags = DAG_ROLES.includes(role);
    const wi = runsDags && identity;
    resources.push(
      desired(
        componentServiceAccount(ctx, serviceAccountOf(ctx, role), wi ? { [ANNOTATION.clientId]: identity.clientId, ...(identity.tenantId ? { [ANNOTATION.tenantId]: identity.tenantId } : {}) } : undefined, runsDags && ctx.options.secretReader),
        ctx.origin,
      ),
      ...serverObjects(ctx, {
        role,
        name: `${ctx.name}-${role}`,
        kind: role === "worker" ? "StatefulSet" : "Deployment",
        scalable: role === "worker" || role === "api-server",
        replicas: role === "worker" ? ctx.options.workers : 1,
        image,
        uid: UID,
        command: commands[role],
        env,
        ports: role === "api-server" ? [{ name: "api", port: API }] : role === "worker" ? [{ name: "worker-logs", port: WORKER_LOGS }] : role === "triggerer" ? [{ name: "triggerer-logs", port: TRIGGERER_LOGS }] : [],
        probes: roleProbes[role],
        resources: sizingOf(ctx, role),
        volumeMounts: shared.mounts,
        volumes: shared.volumes,
        initContainers: [...(git && runsDags ? [gitSync(ctx, true)] : []), waitForMigrations],
        sidecars: git && runsDags ? [gitSync(ctx, false)] : [],
        service: role === "api-server",
        serviceAccount: serviceAccountOf(ctx, role),
        apiToken: runsDags && ctx.options.secretReader,
        ...(wi ? { podLabels: { [LABEL.workloadIdentity]: "true" } } : {}),
        values: [...group, role],
        needs: [migration.key],
      }),
    );
  }

  if (ctx.options.logs) {
    resources.push(
      desired(
        {
          apiVersion: "v1",
          kind: "PersistentVolumeClaim",
          metadata: { name: logsClaim, namespace: ctx.namespace, labels: componentLabels(ctx) },
          spec: {
            accessModes: ["ReadWriteMany"],
            storageClassName: ctx.options.logs.storageClass ?? kubernetesOf(ctx.platform).defaultStorageClass,
            resources: { requests: { storage: ctx.options.logs.size } },
          },
        },
        [...ctx.origin, "logs"],
        { tunables: [{ field: ["spec", "resources", "requests", "storage"], values: [...group, "persistence", "size"] }, { field: ["spec", "storageClassName"], values: [...group, "persistence", "storageClass"] }] },
      ),
    );
  }
  if (ctx.options.secretReader) {
    const name = `${ctx.name}-secret-reader`;
    resources.push(
      desired({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name, namespace: ctx.namespace, labels: componentLabels(ctx) }, rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "list", "watch"] }] }, [...ctx.origin, "secretReader"]),
      desired(
        {
          apiVersion: "rbac.authorization.k8s.io/v1",
          kind: "RoleBinding",
          metadata: { name, namespace: ctx.namespace, labels: componentLabels(ctx) },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
          subjects: DAG_ROLES.map((role) => ({ kind: "ServiceAccount", name: serviceAccountOf(ctx, role), namespace: ctx.namespace })),
        },
        [...ctx.origin, "secretReader"],
      ),
    );
  }
  const external: ExternalEndpoint[] = [
    ...(git ? [{ hosts: [new URL(git.repo).hostname], ports: [443] }] : []),
    ...(identity ? [ENTRA_ID] : []),
    ...Object.values(ctx.options.env).flatMap((v) => envEndpoint(ctx, v)),
    ...(ctx.options.secretReader ? [{ hosts: ["kubernetes.default.svc"], ports: [443, 6443], ...(kubernetesOf(ctx.platform).apiServerCidrs ? { cidrs: kubernetesOf(ctx.platform).apiServerCidrs } : {}) }] : []),
  ];
  resources.push(desired(componentNetworkPolicy(ctx, [API, WORKER_LOGS, TRIGGERER_LOGS], external), ctx.origin));
  return {
    resources,
    secrets: [
      { name: keys(ctx), keys: ["fernet-key", "jwt-secret", "api-secret-key"], namespaces: [ctx.namespace], length: 40, formats: { "fernet-key": "fernet" as const }, origin: ctx.origin, group },
      { name: admin(ctx), keys: ["password"], namespaces: [ctx.namespace], length: 24, origin: ctx.origin, group },
    ],
  };
}

export const airflow: ComponentType<Options> = { type: "airflow", requires: ["postgresql", "redis"], offers: ["host", "port", "url"], offer, build };
