import type { PodSecurityControl } from "../control.ts";
import { containersOf, type ProbeLike } from "../pod-spec.ts";

/** Handlers that reach out over the network, and the two ways they can name a host. */
const HANDLERS = [
  ["livenessProbe"],
  ["readinessProbe"],
  ["startupProbe"],
  ["lifecycle", "postStart"],
  ["lifecycle", "preStop"],
] as const;
const ACTIONS = ["httpGet", "tcpSocket"] as const;

export const hostProbesAndHostLifecycle: PodSecurityControl = {
  id: "hostProbesAndHostLifecycle",
  level: "baseline",
  fix: "remove host from probes and lifecycle handlers: they must target the pod itself",
  versions: [
    {
      since: 34,
      check: ({ spec }) =>
        containersOf(spec).flatMap(({ container, field }) =>
          HANDLERS.flatMap((path) => {
            const handler = path.reduce<unknown>((node, seg) => (node as Record<string, unknown> | undefined)?.[seg], container) as ProbeLike | undefined;
            return ACTIONS.flatMap((action) => {
              const host = handler?.[action]?.host;
              return host ? [{ field: `${field}.${path.join(".")}.${action}.host`, message: `host "${host}" is not allowed` }] : [];
            });
          }),
        ),
    },
  ],
};
