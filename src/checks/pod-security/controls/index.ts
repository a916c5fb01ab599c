/** Every Pod Security control, baseline before restricted; the order is that of SARIF's rule list (new ones at the end). */
import { allowPrivilegeEscalation } from "./allow-privilege-escalation.ts";
import { appArmorProfile } from "./app-armor-profile.ts";
import { capabilitiesBaseline } from "./capabilities-baseline.ts";
import { capabilitiesRestricted } from "./capabilities-restricted.ts";
import { hostNamespaces } from "./host-namespaces.ts";
import { hostPathVolumes } from "./host-path-volumes.ts";
import { hostPorts } from "./host-ports.ts";
import { hostProbesAndHostLifecycle } from "./host-probes-and-host-lifecycle.ts";
import { privileged } from "./privileged.ts";
import { procMount } from "./proc-mount.ts";
import { procMountRestricted } from "./proc-mount-restricted.ts";
import { restrictedVolumes } from "./restricted-volumes.ts";
import { runAsNonRoot } from "./run-as-non-root.ts";
import { runAsUser } from "./run-as-user.ts";
import { seLinuxOptions } from "./se-linux-options.ts";
import { seccompProfileBaseline } from "./seccomp-profile-baseline.ts";
import { seccompProfileRestricted } from "./seccomp-profile-restricted.ts";
import { sysctls } from "./sysctls.ts";
import { windowsHostProcess } from "./windows-host-process.ts";
import type { PodSecurityControl } from "../control.ts";

export const POD_SECURITY_CONTROLS: readonly PodSecurityControl[] = [
  hostNamespaces,
  privileged,
  capabilitiesBaseline,
  hostPathVolumes,
  hostPorts,
  appArmorProfile,
  seLinuxOptions,
  procMount,
  seccompProfileBaseline,
  sysctls,
  windowsHostProcess,
  hostProbesAndHostLifecycle,
  restrictedVolumes,
  allowPrivilegeEscalation,
  runAsNonRoot,
  runAsUser,
  seccompProfileRestricted,
  capabilitiesRestricted,
  procMountRestricted,
];
