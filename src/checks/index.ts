import type { ObjectCheck } from "./check.ts";
import { kubernetesSchema } from "./kubernetes-schema.ts";
import { names } from "./names.ts";
import { podSecurity } from "./pod-security/index.ts";
import { podStructure } from "./pod-structure.ts";
import { references } from "./references.ts";
import { storage } from "./storage.ts";
import { defaultNamespace } from "./practice/default-namespace.ts";
import { disruptionBudget } from "./practice/disruption-budget.ts";
import { ephemeralStorage } from "./practice/ephemeral-storage.ts";
import { jobLifetime } from "./practice/job-lifetime.ts";
import { spread } from "./practice/spread.ts";
import { envLiteralSecret } from "./practice/env-literal-secret.ts";
import { imageTag } from "./practice/image-tag.ts";
import { networkCoverage } from "./practice/network-coverage.ts";
import { probePort } from "./practice/probe-port.ts";
import { rbac } from "./practice/rbac.ts";
import { serviceExposure } from "./practice/service-exposure.ts";
import { serviceTarget } from "./practice/service-target.ts";
import { workloadDefaults } from "./workload-defaults.ts";

/** The checks `build` and `lint` run (through lint/run.ts); any error fails a build before output is written. */
export const BUILD_CHECKS: readonly ObjectCheck[] = [
  names,
  kubernetesSchema,
  podStructure,
  podSecurity,
  workloadDefaults,
  imageTag,
  probePort,
  envLiteralSecret,
  serviceTarget,
  serviceExposure,
  rbac,
  networkCoverage,
  disruptionBudget,
  spread,
  jobLifetime,
  ephemeralStorage,
  defaultNamespace,
  storage,
  references,
];

