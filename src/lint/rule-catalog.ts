/**
 * What each rule ID means: title, why it matters, how to fix it. Used for SARIF's rule list and `berth lint --rules`.
 * Pod Security controls are listed from the control table itself, so the two can never disagree.
 */
import { POD_SECURITY_RULES } from "../checks/pod-security/index.ts";
import { pssNamespaceLabel } from "../checks/pod-security/pss-namespace-label.ts";
import { groupOf, type RuleGroup } from "../checks/rule.ts";
import { envLiteralSecret } from "../checks/practice/env-literal-secret.ts";
import { ephemeralStorage } from "../checks/practice/ephemeral-storage.ts";
import { imageTag } from "../checks/practice/image-tag.ts";
import { jobTtl } from "../checks/practice/job-ttl.ts";
import { namespaceDefault } from "../checks/practice/namespace-default.ts";
import { netpolCoverage } from "../checks/practice/netpol-coverage.ts";
import { pdbMissing } from "../checks/practice/pdb-missing.ts";
import { probeIdentical } from "../checks/practice/probe-identical.ts";
import { probePort } from "../checks/practice/probe-port.ts";
import { rbacClusterAdmin } from "../checks/practice/rbac-cluster-admin.ts";
import { rbacExec } from "../checks/practice/rbac-exec.ts";
import { rbacWildcard } from "../checks/practice/rbac-wildcard.ts";
import { selectorTemplate } from "../checks/practice/selector-template.ts";
import { serviceExposed } from "../checks/practice/service-exposed.ts";
import { serviceTargetPort } from "../checks/practice/service-target-port.ts";
import { spreadMissing } from "../checks/practice/spread-missing.ts";
import { refRole } from "../checks/references/ref-role.ts";
import { refStatefulSet } from "../checks/references/ref-statefulset.ts";
import { refDeployment } from "../checks/references/ref-deployment.ts";
import { refSelector } from "../checks/references/ref-selector.ts";
import { refServicePort } from "../checks/references/ref-service-port.ts";
import { refService } from "../checks/references/ref-service.ts";
import { refPersistentVolumeClaim } from "../checks/references/ref-persistentvolumeclaim.ts";
import { refConfigMapKey } from "../checks/references/ref-configmap-key.ts";
import { refConfigMap } from "../checks/references/ref-configmap.ts";
import { refSecretKey } from "../checks/references/ref-secret-key.ts";
import { refSecret } from "../checks/references/ref-secret.ts";
import { refServiceAccount } from "../checks/references/ref-serviceaccount.ts";
import { storageAccessMode } from "../checks/references/storage-access-mode.ts";
import { storageClass } from "../checks/references/storage-class.ts";
import { automountToken } from "../checks/practice/automount-token.ts";
import { defaultServiceAccount } from "../checks/practice/default-service-account.ts";
import { probeMissing } from "../checks/practice/probe-missing.ts";
import { resourcesMissing } from "../checks/practice/resources-missing.ts";
import { podUnknownVolume } from "../checks/schema/pod-unknown-volume.ts";
import { podDuplicate } from "../checks/schema/pod-duplicate.ts";
import { k8sUnknownKind } from "../checks/schema/k8s-unknown-kind.ts";
import { k8sVersion } from "../checks/schema/k8s-version.ts";
import { k8sApiVersion } from "../checks/schema/k8s-api-version.ts";
import { k8sSchema } from "../checks/schema/k8s-schema.ts";
import { nameLabelValue } from "../checks/schema/name-label-value.ts";
import { nameCollision } from "../checks/schema/name-collision.ts";
import { nameInvalid } from "../checks/schema/name-invalid.ts";

export { pssRuleId } from "../checks/pod-security/control.ts";

export interface RuleInfo {
  readonly id: string;
  readonly group: RuleGroup;
  readonly title: string;
  readonly rationale: string;
  readonly fix: string;
}

/** Rules not yet in files of their own are described here; the others are listed in place, keeping the order. */
const OTHER: readonly Omit<RuleInfo, "group">[] = [
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
  { id: "LINT-SUPPRESSION-REASON", title: "Every suppression gives a reason", rationale: "A silenced rule without a reason cannot be reviewed.", fix: 'write berth.dev/ignore: "RULE-ID — reason"' },
];

export const RULES: readonly RuleInfo[] = [
  ...POD_SECURITY_RULES,
  ...OTHER.map((r) => ({ ...r, group: groupOf(r.id) })),
];

export const ruleInfo = (id: string): RuleInfo | undefined => RULES.find((r) => r.id === id);
