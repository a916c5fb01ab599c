import type { PodSecurityControl } from "../control.ts";

const RESTRICTED_VOLUME_TYPES = new Set(["configMap", "downwardAPI", "emptyDir", "projected", "secret", "csi", "persistentVolumeClaim", "ephemeral", "image"]);

export const restrictedVolumes: PodSecurityControl = {
  id: "restrictedVolumes",
  level: "restricted",
  fix: "use only configMap, secret, emptyDir, projected, downwardAPI, csi, ephemeral, image or PVC volumes",
  check: (pod) =>
    (pod.volumes ?? []).flatMap((v, i) => {
      const types = Object.keys(v).filter((k) => k !== "name");
      const bad = types.filter((t) => !RESTRICTED_VOLUME_TYPES.has(t));
      return bad.length ? [{ field: `.volumes[${i}]`, message: `volume type ${bad.join(", ")} is not allowed` }] : [];
    }),
};
