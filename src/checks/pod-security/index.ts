import { controlRule } from "./control-rule.ts";
import { POD_SECURITY_CONTROLS } from "./controls/index.ts";

/** Every Pod Security control as a rule on every pod template. */
export const POD_SECURITY_RULES = POD_SECURITY_CONTROLS.map(controlRule);
