import type { PodSecurityControl } from "../control.ts";

export const hostPathVolumes: PodSecurityControl = {
  id: "hostPathVolumes",
  level: "baseline",
  fix: "use a PersistentVolumeClaim, configMap, secret or emptyDir instead of hostPath",
  versions: [{ since: 0, check: ({ spec }) => (spec.volumes ?? []).flatMap((v, i) => (v.hostPath ? [{ field: `.volumes[${i}].hostPath`, message: "hostPath volumes are not allowed" }] : [])) }],
};
