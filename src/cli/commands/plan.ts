import { inspectPlan } from "../../deploy/inspect.ts";
import { type Connected, connect } from "../../deploy/target.ts";
import type { Revision } from "../../engine/revisions.ts";
import { ProviderUnavailable } from "../../providers/provider.ts";
import { EXIT } from "../exit-codes.ts";
import type { CliIO } from "../io.ts";
import { maskedIO, maskOfSets } from "../masked-output.ts";
import { planJson, planText, summarize } from "../render-plan.ts";
import { type ClusterFlags, planOnly, targetOf } from "./deploy-flags.ts";

/**
 * The history, read without the lock (plan changes nothing): what earlier runs made that no tag finds. Missing or
 * unreadable (no cluster yet, no rights to the state), the plan shows what tags find.
 */
async function historyOf(connected: Connected): Promise<readonly Revision[]> {
  try {
    return await connected.revisions.list();
  } catch {
    return [];
  }
}

/** Exit 0: nothing to change · 3: changes pending · 4: the cluster is out of reach (the order is still shown) · 2: bad spec or a blocker found. */
export async function runPlan(path: string, flags: ClusterFlags, shown: CliIO): Promise<number> {
  const io = maskedIO(shown, maskOfSets(flags.set));
  const plan = planOnly(path, flags, io);
  if (!plan) return EXIT.badInput;
  let inspection;
  let unreachable: string | undefined;
  try {
    const connected = connect(plan, targetOf(path, flags));
    inspection = await inspectPlan(plan, connected, undefined, { history: () => historyOf(connected) });
  } catch (error) {
    if (!(error instanceof ProviderUnavailable)) throw error;
    unreachable = error.message;
  }
  if (flags.json) io.out(JSON.stringify(planJson(plan, inspection, unreachable), null, 2));
  else io.out(planText(plan, inspection, unreachable));
  if (unreachable !== undefined) return EXIT.unreachable;
  if (inspection?.blockers.length) return EXIT.badInput;
  return summarize(plan, inspection).pending ? EXIT.changesPending : EXIT.ok;
}
