/** IMAGE-TAG (reliability.md #15): every image names a version — a tag other than latest, or a digest. */
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import { pinnedImage } from "../../spec/formats.ts";
import { type ObjectCheck, objectProblem } from "../check.ts";
import { containersOf, podSpecOf } from "../pod-security/pod-spec.ts";

export const imageTag: ObjectCheck = (input) => {
  const out: Diagnostic[] = [];
  for (const r of input.resources) {
    const pod = podSpecOf(r.object);
    if (!pod) continue;
    for (const { container, field } of containersOf(pod.spec)) {
      const image = (container as { image?: string }).image ?? "";
      const problem = pinnedImage(image);
      if (problem) out.push(objectProblem(input, r, "IMAGE-TAG", `${pod.field}${field}.image`, problem.message, problem.hint));
    }
  }
  return out;
};
