/**
 * What the output carries beyond the synthesized objects: the secret generator (so plain `kubectl apply`, helm and
 * GitOps get their generated credentials) and the declaration of user-provided Secrets on their Namespaces. `berth up`
 * works from the synthesized objects alone and creates the generated Secrets itself.
 */
import type { KubeDesired } from "../resources/kube-object.ts";
import type { GeneratedSecret } from "../resources/secrets.ts";
import type { ResolvedSpec } from "../spec/resolve.ts";
import { withProvidedSecrets } from "./provided-secrets.ts";
import { secretGeneratorResources } from "./secret-generator/objects.ts";

export const deliveredResources = (spec: ResolvedSpec, resources: readonly KubeDesired[], secrets: readonly GeneratedSecret[]): KubeDesired[] => [
  ...withProvidedSecrets(spec, resources),
  ...secretGeneratorResources(spec, resources, secrets),
];
