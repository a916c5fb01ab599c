import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { restrictedContainerSecurity, restrictedPodSecurity } from "../../resources/pod.ts";
import type { PodSpecLike } from "./pod-spec.ts";
import { POD_SECURITY_CONTROLS } from "./controls/index.ts";

const compliant = (): PodSpecLike => ({
  securityContext: restrictedPodSecurity({ runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 }) as PodSpecLike["securityContext"],
  containers: [{ name: "app", securityContext: restrictedContainerSecurity() as PodSpecLike["securityContext"] }],
  initContainers: [{ name: "init", securityContext: restrictedContainerSecurity() as PodSpecLike["securityContext"] }],
  volumes: [{ name: "tmp", emptyDir: {} }],
});

/** One failing fixture per control, in the Polaris style: each mutation must be caught by exactly its control. */
const VIOLATIONS: Record<string, (p: PodSpecLike) => void> = {
  hostNamespaces: (p) => void (p.hostNetwork = true),
  privileged: (p) => void (p.containers![0]!.securityContext!.privileged = true),
  capabilities_baseline: (p) => void (p.containers![0]!.securityContext!.capabilities!.add = ["SYS_ADMIN"]),
  hostPathVolumes: (p) => void p.volumes!.push({ name: "h", hostPath: { path: "/" } }),
  hostPorts: (p) => void (p.containers![0]!.ports = [{ hostPort: 80 }]),
  appArmorProfile: (p) => void (p.securityContext!.appArmorProfile = { type: "Unconfined" }),
  seLinuxOptions: (p) => void (p.securityContext!.seLinuxOptions = { user: "root" }),
  procMount: (p) => void (p.containers![0]!.securityContext!.procMount = "Unmasked"),
  seccompProfile_baseline: (p) => void (p.initContainers![0]!.securityContext!.seccompProfile = { type: "Unconfined" }),
  sysctls: (p) => void (p.securityContext!.sysctls = [{ name: "kernel.msgmax" }]),
  windowsHostProcess: (p) => void (p.containers![0]!.securityContext!.windowsOptions = { hostProcess: true }),
  hostProbesAndHostLifecycle: (p) => void (p.containers![0]!.livenessProbe = { httpGet: { host: "10.0.0.1" } }),
  restrictedVolumes: (p) => void p.volumes!.push({ name: "n", nfs: { server: "x", path: "/" } }),
  allowPrivilegeEscalation: (p) => void delete p.initContainers![0]!.securityContext!.allowPrivilegeEscalation,
  runAsNonRoot: (p) => {
    delete p.securityContext!.runAsNonRoot;
    delete p.containers![0]!.securityContext!.runAsNonRoot;
  },
  runAsUser: (p) => void (p.containers![0]!.securityContext!.runAsUser = 0),
  seccompProfile_restricted: (p) => {
    delete p.securityContext!.seccompProfile;
    delete p.containers![0]!.securityContext!.seccompProfile;
  },
  capabilities_restricted: (p) => void (p.containers![0]!.securityContext!.capabilities = { drop: ["NET_RAW"] }),
};

describe("Pod Security Standards restricted controls", () => {
  it("berth's secure defaults pass every control", () => {
    for (const control of POD_SECURITY_CONTROLS) assert.deepEqual(control.check(compliant()), [], control.id);
  });

  it("every control has a failing fixture", () => {
    assert.deepEqual(Object.keys(VIOLATIONS).sort(), POD_SECURITY_CONTROLS.map((c) => c.id).sort());
  });

  for (const control of POD_SECURITY_CONTROLS) {
    it(`${control.id} catches its violation`, () => {
      const pod = compliant();
      VIOLATIONS[control.id]!(pod);
      const found = control.check(pod);
      assert.ok(found.length > 0, `${control.id} missed the violation`);
      for (const v of found) assert.match(v.field, /^\./);
    });
  }
});
