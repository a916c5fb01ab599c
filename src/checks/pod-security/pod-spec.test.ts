import assert from "node:assert/strict";
import { test } from "node:test";
import { containersOf, type PodSpecLike } from "./pod-spec.ts";

const fields = (pod: PodSpecLike) => containersOf(pod).map(({ container, field }) => `${field}=${container.name}`);

test("containersOf lists every container with its field, and follows changes to the pod after a first answer", () => {
  const pod: PodSpecLike = { initContainers: [{ name: "init" }], containers: [{ name: "app" }, { name: "side" }] };
  assert.deepEqual(fields(pod), [".initContainers[0]=init", ".containers[0]=app", ".containers[1]=side"]);
  assert.equal(containersOf(pod), containersOf(pod), "an unchanged pod gets the same list again");
  pod.containers!.push({ name: "added" });
  assert.deepEqual(fields(pod), [".initContainers[0]=init", ".containers[0]=app", ".containers[1]=side", ".containers[2]=added"]);
  pod.containers![0] = { name: "replaced" };
  assert.deepEqual(fields(pod), [".initContainers[0]=init", ".containers[0]=replaced", ".containers[1]=side", ".containers[2]=added"]);
  const moved: PodSpecLike = { initContainers: [{ name: "x" }], containers: [] };
  assert.deepEqual(fields(moved), [".initContainers[0]=x"]);
  moved.containers = moved.initContainers;
  moved.initContainers = [];
  assert.deepEqual(fields(moved), [".containers[0]=x"], "the same container under another list is found there");
  assert.deepEqual(fields({ ephemeralContainers: [{ name: "debug" }] }), [".ephemeralContainers[0]=debug"]);
});
