import type { PodSecurityControl } from "../control.ts";

/** Volume sources restricted allows: none of them gives access to the node or to storage outside the cluster's control. */
const RESTRICTED_VOLUME_TYPES = new Set(["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image", "persistentVolumeClaim", "projected", "secret"]);

export const restrictedVolumes: PodSecurityControl = {
  id: "restrictedVolumes",
  level: "restricted",
  fix: "use only configMap, secret, emptyDir, projected, downwardAPI, csi, ephemeral, image or PVC volumes",
  versions: [
    {
      since: 0,
      check: ({ spec }) =>
        (spec.volumes ?? []).flatMap((v, i) => {
          const types = Object.keys(v).filter((k) => k !== "name" && v[k] !== null && v[k] !== undefined);
          if (types.some((t) => RESTRICTED_VOLUME_TYPES.has(t))) return [];
          return [{ field: `.volumes[${i}]`, message: `volume type ${types.join(", ") || "unknown"} is not allowed` }];
        }),
      overrides: ["hostPathVolumes"],
    },
  ],
};
