/** berth's deploy API: plans from `planFor` (src/index.ts) applied to a cluster. */
export { up, type UpResult } from "./up.ts";
export { down, type DownResult } from "./down.ts";
export { status } from "./status.ts";
export { inspectPlan } from "./inspect.ts";
export { connect, type DeployTarget } from "./target.ts";
