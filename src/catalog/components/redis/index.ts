/**
 * redis — the official `redis` image with a password and append-only persistence. The password reaches redis through
 * a config file written by an init container (never through arguments, which any process can read), and redis-cli
 * reads it from REDISCLI_AUTH for the probes.
 */
import { desired } from "../../../resources/kube-object.ts";
import type { ComponentContext, ComponentType, Consumer, ConnectionInfo } from "../component-type.ts";
import { componentLabels, componentPod, componentSelector, serviceHost, sizing } from "../support.ts";
import { componentNetworkPolicy, componentServiceAccount, headlessService, service } from "../objects.ts";

type Options = Extract<ComponentContext["options"], { type: "redis" }>;
type Ctx = ComponentContext<Options>;

export const REDIS_IMAGE = "redis:7.4.2";
const PORT = 6379;
const UID = 999;

const authSecret = (ctx: Ctx) => `${ctx.name}-auth`;

function offer(ctx: Ctx, _consumer: Consumer): ConnectionInfo {
  return {
    provider: ctx.name,
    type: "redis",
    host: serviceHost(ctx.name, ctx.namespace),
    port: PORT,
    password: { name: authSecret(ctx), key: "password" },
    url: `redis://:{password}@${serviceHost(ctx.name, ctx.namespace)}:${PORT}/0`,
    ports: [PORT],
    podLabels: componentSelector(ctx, "server"),
    namespace: ctx.namespace,
  };
}

function build(ctx: Ctx) {
  const group = ["components", ctx.name];
  const labels = componentLabels(ctx, "server");
  const selector = componentSelector(ctx, "server");
  const image = ctx.options.image ?? REDIS_IMAGE;
  const password = { name: "REDIS_PASSWORD", valueFrom: { secretKeyRef: { name: authSecret(ctx), key: "password" } } };
  const cliAuth = { name: "REDISCLI_AUTH", valueFrom: { secretKeyRef: { name: authSecret(ctx), key: "password" } } };
  const statefulSet = {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: ctx.name, namespace: ctx.namespace, labels },
    spec: {
      serviceName: `${ctx.name}-headless`,
      replicas: 1,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels },
        spec: componentPod({
          ctx,
          serviceAccount: ctx.name,
          uid: UID,
          writablePaths: ["/tmp", "/config"],
          initContainers: [
            {
              name: "config",
              image,
              command: ["sh", "-c", 'printf "requirepass %s\\nappendonly yes\\ndir /data\\n" "$REDIS_PASSWORD" > /config/redis.conf'],
              env: [password],
              resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "32Mi" } },
            },
          ],
          containers: [
            {
              name: "redis",
              image,
              imagePullPolicy: "IfNotPresent",
              command: ["redis-server", "/config/redis.conf"],
              ports: [{ name: "redis", containerPort: PORT, protocol: "TCP" }],
              env: [cliAuth],
              resources: sizing(ctx, { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } }),
              livenessProbe: { tcpSocket: { port: "redis" }, periodSeconds: 10 },
              readinessProbe: { exec: { command: ["redis-cli", "ping"] }, periodSeconds: 5, timeoutSeconds: 3 },
              volumeMounts: [{ name: "data", mountPath: "/data" }],
            },
          ],
        }),
      },
      volumeClaimTemplates: [
        {
          metadata: { name: "data", labels },
          spec: {
            accessModes: ["ReadWriteOnce"],
            storageClassName: ctx.options.storage.storageClass ?? ctx.platform.spec.kubernetes.defaultStorageClass,
            resources: { requests: { storage: ctx.options.storage.size } },
          },
        },
      ],
    },
  };
  return {
    resources: [
      desired(componentServiceAccount(ctx), ctx.origin),
      desired(statefulSet, ctx.origin, {
        tunables: [
          { field: ["spec", "template", "spec", "containers", 0, "image"], values: [...group, "image"] },
          { field: ["spec", "template", "spec", "initContainers", 0, "image"], values: [...group, "image"] },
          { field: ["spec", "template", "spec", "containers", 0, "resources"], values: [...group, "resources"] },
          { field: ["spec", "volumeClaimTemplates", 0, "spec", "resources", "requests", "storage"], values: [...group, "persistence", "size"] },
          { field: ["spec", "volumeClaimTemplates", 0, "spec", "storageClassName"], values: [...group, "persistence", "storageClass"] },
        ],
      }),
      desired(service(ctx, ctx.name, selector, [{ name: "redis", port: PORT }]), ctx.origin),
      desired(headlessService(ctx, `${ctx.name}-headless`, selector, [{ name: "redis", port: PORT }]), ctx.origin),
      desired(componentNetworkPolicy(ctx, [PORT]), ctx.origin),
    ],
    secrets: [{ name: authSecret(ctx), keys: ["password"], namespaces: [ctx.namespace, ...ctx.consumers.map((c) => c.namespace)], length: 32, origin: ctx.origin, group }],
  };
}

export const redis: ComponentType<Options> = { type: "redis", offer, build };
