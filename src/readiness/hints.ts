/** What to do about a failure, by its reason. */
export const FAILURE_HINTS: Readonly<Record<string, string>> = {
  ImagePullBackOff: "check that the image and tag exist and that the cluster can pull from the registry (attach the registry to the cluster or add imagePullSecrets)",
  InvalidImageName: "correct the image reference in the spec",
  CreateContainerConfigError: "a Secret or ConfigMap key the pod reads is missing: create it or correct the reference",
  CrashLoopBackOff: "the container exits on its own: read the log above (kubectl logs --previous) and fix its configuration or connections",
  OOMKilled: "raise the memory limit (resources.memory) of this component, or lower its memory use",
  BackoffLimitExceeded: "the Job's pods failed: read the log above, fix the cause and run berth up again (a changed Job is re-created)",
  DeadlineExceeded: "the Job ran past its activeDeadlineSeconds",
  ProgressDeadlineExceeded: "the rollout made no progress: look at the pod events above",
  ClaimLost: "the volume behind the claim is gone: restore it or delete the claim",
  NamesNotAccepted: "another CustomResourceDefinition already uses these names",
  Timeout: "the object did not become ready in time: the last state and events are above",
  SecretMissing: "create the Secret in that namespace with the keys listed (see docs/commands.md#berth-up)",
  OutputUnknown: "the step that assigns this output did not finish (or its provider did not report it): run berth up again; if it persists, the output name is wrong for that resource",
  NotOwned: "the object exists and was not created by berth for this platform; delete it, rename the spec entry, or pass --adopt",
};
