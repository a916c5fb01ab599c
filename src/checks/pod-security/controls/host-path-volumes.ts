import type { PodSecurityControl } from "../control.ts";

export const hostPathVolumes: PodSecurityControl = {
  id: "hostPathVolumes",
  level: "baseline",
  fix: "use a PersistentVolumeClaim, configMap, secret or emptyDir instead of hostPath",
  check: (pod) => (pod.volumes ?? []).flatMap((v, i) => ("hostPath" in v ? [{ field: `.volumes[${i}].hostPath`, message: "hostPath volumes are not allowed" }] : [])),
};
