import type { ObjectCheck } from "./check.ts";
import { POD_SECURITY_RULES } from "./pod-security/index.ts";
import { pssNamespaceLabel } from "./pod-security/pss-namespace-label.ts";
import { automountToken } from "./practice/automount-token.ts";
import { defaultServiceAccount } from "./practice/default-service-account.ts";
import { envLiteralSecret } from "./practice/env-literal-secret.ts";
import { ephemeralStorage } from "./practice/ephemeral-storage.ts";
import { imageTag } from "./practice/image-tag.ts";
import { jobTtl } from "./practice/job-ttl.ts";
import { namespaceDefault } from "./practice/namespace-default.ts";
import { netpolCoverage } from "./practice/netpol-coverage.ts";
import { pdbMissing } from "./practice/pdb-missing.ts";
import { probeIdentical } from "./practice/probe-identical.ts";
import { probeMissing } from "./practice/probe-missing.ts";
import { probePort } from "./practice/probe-port.ts";
import { rbacClusterAdmin } from "./practice/rbac-cluster-admin.ts";
import { rbacExec } from "./practice/rbac-exec.ts";
import { rbacWildcard } from "./practice/rbac-wildcard.ts";
import { resourcesMissing } from "./practice/resources-missing.ts";
import { selectorTemplate } from "./practice/selector-template.ts";
import { serviceExposed } from "./practice/service-exposed.ts";
import { serviceTargetPort } from "./practice/service-target-port.ts";
import { spreadMissing } from "./practice/spread-missing.ts";
import { refConfigMap } from "./references/ref-configmap.ts";
import { refConfigMapKey } from "./references/ref-configmap-key.ts";
import { refDeployment } from "./references/ref-deployment.ts";
import { refPersistentVolumeClaim } from "./references/ref-persistentvolumeclaim.ts";
import { refRole } from "./references/ref-role.ts";
import { refSecret } from "./references/ref-secret.ts";
import { refSecretKey } from "./references/ref-secret-key.ts";
import { refSelector } from "./references/ref-selector.ts";
import { refService } from "./references/ref-service.ts";
import { refServiceAccount } from "./references/ref-serviceaccount.ts";
import { refServicePort } from "./references/ref-service-port.ts";
import { refStatefulSet } from "./references/ref-statefulset.ts";
import { storageAccessMode } from "./references/storage-access-mode.ts";
import { storageClass } from "./references/storage-class.ts";
import { uncataloguedTargets } from "./references/target-exists.ts";
import { type Rule, runRule } from "./rule.ts";
import { k8sApiVersion } from "./schema/k8s-api-version.ts";
import { k8sSchema } from "./schema/k8s-schema.ts";
import { k8sUnknownKind } from "./schema/k8s-unknown-kind.ts";
import { k8sVersion } from "./schema/k8s-version.ts";
import { nameCollision } from "./schema/name-collision.ts";
import { nameInvalid } from "./schema/name-invalid.ts";
import { nameLabelValue } from "./schema/name-label-value.ts";
import { podDuplicate } from "./schema/pod-duplicate.ts";
import { podUnknownVolume } from "./schema/pod-unknown-volume.ts";

/**
 * The rules `build` and `lint` run (through lint/run.ts); any error fails a build before output is written.
 * This order is SARIF's rule order; output is sorted, so it decides nothing else. New rules go at the end.
 */
export const BUILD_RULES: readonly Rule[] = [
  ...POD_SECURITY_RULES,
  pssNamespaceLabel,
  k8sSchema,
  k8sApiVersion,
  k8sVersion,
  nameInvalid,
  nameCollision,
  nameLabelValue,
  podDuplicate,
  podUnknownVolume,
  resourcesMissing,
  probeMissing,
  defaultServiceAccount,
  automountToken,
  storageClass,
  storageAccessMode,
  refServiceAccount,
  refSecret,
  refSecretKey,
  refConfigMap,
  refConfigMapKey,
  refPersistentVolumeClaim,
  refService,
  refServicePort,
  refSelector,
  refDeployment,
  refStatefulSet,
  refRole,
  imageTag,
  probePort,
  probeIdentical,
  envLiteralSecret,
  serviceTargetPort,
  selectorTemplate,
  rbacWildcard,
  rbacExec,
  rbacClusterAdmin,
  serviceExposed,
  netpolCoverage,
  pdbMissing,
  ephemeralStorage,
  spreadMissing,
  jobTtl,
  namespaceDefault,
  k8sUnknownKind,
];

/** Every rule as a check, and references to kinds no rule is about, which keep their REF-<KIND> codes. */
export const BUILD_CHECKS: readonly ObjectCheck[] = [...BUILD_RULES.map(runRule), uncataloguedTargets(new Set(BUILD_RULES.map((r) => r.id)))];
