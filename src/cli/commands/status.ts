import { status } from "../../deploy/status.ts";
import { ProviderUnavailable } from "../../providers/provider.ts";
import { EXIT } from "../exit-codes.ts";
import type { CliIO } from "../io.ts";
import { type ClusterFlags, planOrReport, targetOf } from "./deploy-flags.ts";

const MARK = { ready: "✓", waiting: "…", failed: "✗", missing: "·" } as const;

/** Exit 0 when everything is ready, 1 otherwise, 4 when the cluster is out of reach. */
export async function runStatus(path: string, flags: ClusterFlags, io: CliIO): Promise<number> {
  const plan = planOrReport(path, flags, io);
  if (!plan) return EXIT.badInput;
  let report;
  try {
    report = await status(plan, targetOf(path, flags));
  } catch (error) {
    if (!(error instanceof ProviderUnavailable)) throw error;
    io.err(`berth status: ${error.message}`);
    return EXIT.unreachable;
  }
  const healthy = report.components.every((c) => c.ready === c.total);
  if (flags.json) io.out(JSON.stringify({ endpoint: report.endpoint, healthy, components: report.components, revision: report.revision ?? null }, null, 2));
  else {
    io.out(`${plan.platform} (${plan.env}) on ${report.endpoint}`);
    const r = report.revision;
    io.out(r ? `last revision #${r.revision}: ${r.action} ${r.status}, ${r.finishedAt ?? r.startedAt} by ${r.by}${r.set.length ? ` with --set ${r.set.join(" --set ")}` : ""}` : "no revision yet");
    for (const c of report.components) {
      io.out(`${c.ready === c.total ? "✓" : "✗"} ${c.group}  ${c.ready}/${c.total} ready`);
      for (const o of c.objects.filter((o) => o.state !== "ready")) io.out(`    ${MARK[o.state]} ${o.title}: ${o.message}`);
    }
  }
  return healthy ? EXIT.ok : EXIT.failure;
}
