/**
 * Ingress through the declared controller: ingressClassName, TLS from a cert-manager Certificate or an existing
 * secret, rate limits as that controller's annotations, and for a canary a second Ingress on the same host and
 * paths carrying the weight, pointing at the canary's own Service.
 */
import { INGRESS_CONTROLLERS } from "../../resources/cluster-catalog.ts";
import { desired, type KubeDesired } from "../../resources/kube-object.ts";
import type { Track } from "../../resources/labels.ts";
import { type AppContext, commonLabels, mainPort, tlsSecretName, trackName } from "./context.ts";
import { kubernetesOf } from "../../spec/kubernetes-of.ts";

export function ingress(ctx: AppContext): KubeDesired[] {
  const ing = ctx.app.ingress;
  const controller = kubernetesOf(ctx.platform).ingress;
  if (!ing || !controller) return [];
  const profile = INGRESS_CONTROLLERS[controller.controller];
  const className = controller.className ?? profile.className;
  const portName = ing.port ?? mainPort(ctx).name;
  const secretName = tlsSecretName(ctx);
  const origin = [...ctx.origin, "ingress"];
  const out: KubeDesired[] = [];

  if (ing.tls && "issuer" in ing.tls) {
    const issuer = kubernetesOf(ctx.platform).certManager!.issuers.find((i) => i.name === (ing.tls as { issuer: string }).issuer)!;
    out.push(
      desired(
        {
          apiVersion: "cert-manager.io/v1",
          kind: "Certificate",
          metadata: { name: secretName!, namespace: ctx.namespace, labels: commonLabels(ctx) },
          spec: { secretName: secretName!, dnsNames: [ing.host], issuerRef: { group: "cert-manager.io", kind: issuer.kind, name: issuer.name } },
        },
        [...origin, "tls"],
      ),
    );
  }

  const build = (track: Track, annotations: Record<string, string>) => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: {
      name: trackName(ctx, track),
      namespace: ctx.namespace,
      labels: commonLabels(ctx),
      ...(Object.keys(annotations).length ? { annotations } : {}),
    },
    spec: {
      ingressClassName: className,
      ...(secretName ? { tls: [{ hosts: [ing.host], secretName }] } : {}),
      rules: [
        {
          host: ing.host,
          http: {
            paths: ing.paths.map((path) => ({
              path,
              pathType: "Prefix",
              backend: { service: { name: trackName(ctx, track), port: { name: portName } } },
            })),
          },
        },
      ],
    },
  });

  const limits: Record<string, string> = {};
  if (ing.rateLimit?.rps) limits[profile.annotations.limitRps!] = String(ing.rateLimit.rps);
  if (ing.rateLimit?.connections) limits[profile.annotations.limitConnections!] = String(ing.rateLimit.connections);
  out.push(desired(build("stable", { ...ing.annotations, ...limits }), origin));
  if (ctx.app.canary) {
    out.push(
      desired(
        build("canary", { [profile.annotations.canary!]: "true", [profile.annotations.canaryWeight!]: String(ctx.app.canary.weight) }),
        [...ctx.origin, "canary"],
      ),
    );
  }
  return out;
}
