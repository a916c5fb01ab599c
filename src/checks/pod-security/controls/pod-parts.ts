/** The parts of a pod spec that several controls judge one by one: its containers and its security contexts. */
import type { Violation } from "../control.ts";
import { containersOf, type PodSpecLike, type SecurityContextLike } from "../pod-spec.ts";

/** At most one violation per container (init and ephemeral ones too). */
export const perContainer = (pod: PodSpecLike, test: (c: ReturnType<typeof containersOf>[number]) => Violation | undefined): Violation[] =>
  containersOf(pod).map(test).filter((v): v is Violation => v !== undefined);

/** The pod's security context and every container's, with where each sits. */
export const securityContextsOf = (pod: PodSpecLike): { sc: SecurityContextLike | undefined; field: string }[] => [
  { sc: pod.securityContext, field: ".securityContext" },
  ...containersOf(pod).map(({ container, field }) => ({ sc: container.securityContext, field: `${field}.securityContext` })),
];
