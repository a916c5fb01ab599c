import { Command, CommanderError, Option } from "commander";
import { runBuild } from "./commands/build.ts";
import { listExamples, runInit } from "./commands/init.ts";
import { runLint } from "./commands/lint.ts";
import { runSchema } from "./commands/schema.ts";
import { runValidate } from "./commands/validate.ts";
import { EXIT } from "./exit-codes.ts";
import { ProviderUnavailable } from "../providers/provider.ts";
import { userFileError } from "../util/file-error.ts";
import { type CliIO, endQuietlyOnClosedPipe, processIO, readerGone } from "./io.ts";

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Runs one berth command; returns the exit code. Only `--debug` ever shows a stack trace. */
export async function main(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  const debug = argv.includes("--debug");
  if (io === processIO) {
    endQuietlyOnClosedPipe(process.stdout);
    endQuietlyOnClosedPipe(process.stderr);
  }
  let code: number = EXIT.ok;
  const program = new Command("berth")
    .description("One spec in, a whole data platform out: Kubernetes manifests with secure defaults, checked before anything is applied.")
    .version("0.1.0")
    .option("--debug", "show stack traces for internal errors")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .showSuggestionAfterError(true);

  const envOption = () => new Option("-e, --env <name>", "environment overlay from spec.environments");
  const setOption = () => new Option("--set <path=value>", "override one field, e.g. apps.qna.replicas=3 (repeatable)").argParser(collect);
  // Only the commands that record a revision prune old ones; elsewhere the flag would be accepted and do nothing.
  const historyMaxOption = () => new Option("--history-max <n>", "revisions kept in the cluster; older ones are deleted after this run (0 keeps all)").default("10");

  program
    .command("build")
    .description("render Kubernetes manifests into DIR/manifests/ (and DIR/inventory.json); writes nothing unless every check passes")
    .argument("<path>", "berth.yaml or a folder holding it")
    .addOption(envOption())
    .option("-o, --out <dir>", "output folder (default: out/<platform>/<env>)")
    .addOption(setOption())
    .option("--json", "print the result as JSON")
    .action((path, flags) => {
      code = runBuild(path, flags, io);
    });

  program
    .command("validate")
    .description("check the spec and everything it would render; without --env, the base and every environment")
    .argument("<path>", "berth.yaml or a folder holding it")
    .addOption(envOption())
    .addOption(setOption())
    .option("--json", "print the result as JSON")
    .action((path, flags) => {
      code = runValidate(path, flags, io);
    });

  program
    .command("lint")
    .description("check a berth spec's output, or any Kubernetes YAML (files, folders, - for stdin), against Pod Security, best-practice and reference rules")
    .argument("[paths...]", "berth.yaml, folders, YAML files, or - for stdin (default: stdin, when something is piped in)")
    .addOption(envOption())
    .addOption(setOption())
    .addOption(new Option("--level <level>", "Pod Security Standards level").choices(["baseline", "restricted"]).default("restricted"))
    .addOption(new Option("--only <group>", "run one group of rules").choices(["pss", "practice", "reference", "schema"]))
    .addOption(new Option("--format <format>", "output format").choices(["text", "json", "sarif"]).default("text"))
    .addOption(new Option("--fail-on <severity>", "exit 2 when a finding is at or above this severity").choices(["error", "warning"]).default("error"))
    .option("--kubernetes-version <minor>", "target Kubernetes version (1.25–1.37) for YAML that is not a berth spec: the APIs it serves and the Pod Security policy version to judge at", "1.31")
    .action((paths: string[], flags, command: Command) => {
      // Reading a terminal would wait for typing that never comes; no paths there is a usage mistake.
      if (!paths.length && io.stdinIsTerminal) {
        io.err(command.helpInformation().trimEnd());
        io.err("berth lint: no paths given and stdin is a terminal; name files or folders, or pipe YAML in (helm template … | berth lint)");
        code = EXIT.badInput;
        return;
      }
      code = runLint(paths, flags, io);
    });

  program
    .command("cost")
    .description("estimated monthly cost of the Azure resources of each environment's plan, from the price table shipped with berth (no network); several environments side by side")
    .argument("<path>", "berth.yaml or a folder holding it")
    .option("-e, --env <names>", "one environment, or several separated by commas (default: every environment of the spec)")
    .option("--compare", "side by side with totals and differences, also for one environment")
    .option("--prices <file>", "an Azure Retail Prices API export (prices.azure.com/api/retail/prices) whose prices replace the table's (repeatable)", collect)
    .option("--serverless-hours <h>", "hours a month a serverless Azure SQL database is assumed busy (default: the table's assumption)")
    .addOption(setOption())
    .option("--json", "print the estimate as JSON")
    .action(async (path, flags) => {
      code = (await import("./commands/cost.ts")).runCost(path, flags, io);
    });

  // Cluster commands load the Kubernetes client only when used: `build` and `lint` start faster without it.
  const cluster = (command: Command) =>
    command
      .argument("<path>", "berth.yaml or a folder holding it")
      .addOption(envOption())
      .addOption(setOption())
      .option("--context <name>", "kubeconfig context (default: the current one)")
      .option("--kubeconfig <file>", "kubeconfig file (default: KUBECONFIG or ~/.kube/config)")
      .option("--state-dir <dir>", "where the journal a resume needs is kept (default: .berth/ beside the spec)")
      .option("--state-namespace <ns>", "namespace of berth's lock (a Lease) and history (Secrets) in the cluster", "berth-system")
      .option("--json", "machine-readable output (JSON lines of events for up/down/rollback)");

  cluster(program.command("plan").description("show the ordered steps with their needs and waves and, when the cluster is reachable, what would change; exit 0 no changes, 3 changes pending, 4 cluster out of reach")).action(async (path, flags) => {
    code = await (await import("./commands/plan.ts")).runPlan(path, flags, io);
  });
  cluster(program.command("up").description("deploy to the cluster in order, waiting on each step; resumes an interrupted run"))
    .addOption(historyMaxOption())
    .option("-y, --yes", "do not ask: apply (and with --prune-data delete data) without a confirmation")
    .option("--prune-data", "also delete data-holding objects that left the spec (claims, generated credentials, their namespaces); asks for the platform/env name")
    .option("--adopt", "take over existing objects that carry no berth label")
    .option("--write-kubeconfig", "also write the kubeconfig of the spec's AKS cluster to the state folder (0600; it holds a credential)")
    .action(async (path, flags) => {
      code = await (await import("./commands/up.ts")).runUp(path, flags, io);
    });
  cluster(program.command("down").description("delete what berth deployed for this environment, in reverse order; keeps volumes and generated credentials"))
    .addOption(historyMaxOption())
    .option("--delete-data", "also delete persistent volume claims, generated credentials and their namespaces; asks for the platform/env name")
    .option("-y, --yes", "do not ask: delete without a confirmation (required without a terminal)")
    .action(async (path, flags) => {
      code = await (await import("./commands/down.ts")).runDown(path, flags, io);
    });
  cluster(program.command("status").description("health of each component in the cluster; exit 0 when all is ready")).action(async (path, flags) => {
    code = await (await import("./commands/status.ts")).runStatus(path, flags, io);
  });
  cluster(program.command("history").description("revisions deployed by berth up and rollback")).action(async (path, flags) => {
    code = await (await import("./commands/history.ts")).runHistory(path, flags, io);
  });
  cluster(program.command("rollback").description("deploy an earlier revision again (default: the one before the last deployed)"))
    .addOption(historyMaxOption())
    .option("--to <revision>", "revision number from berth history")
    .option("-y, --yes", "do not ask: roll back without a confirmation (required without a terminal)")
    .option("--prune-data", "also delete data-holding objects the earlier revision lacks; asks for the platform/env name")
    .action(async (path, flags) => {
      code = await (await import("./commands/history.ts")).runRollback(path, flags, io);
    });
  cluster(program.command("unlock").description("clear the lock a killed run left behind"))
    .option("--force", "required: clear it")
    .option("--id <lock>", "only this lock (as printed by the refused run)")
    .action(async (path, flags) => {
      code = await (await import("./commands/history.ts")).runUnlock(path, flags, io);
    });

  program
    .command("schema")
    .description("print the JSON Schema of berth.yaml (for editors: # yaml-language-server: $schema=<file>)")
    .action(() => {
      code = runSchema(io);
    });

  program
    .command("init")
    .description("write a berth.yaml to start from")
    .argument("[dir]", "folder to write berth.yaml into", ".")
    .addOption(new Option("--example <name>", `start from a bundled example (${listExamples().join(", ")})`))
    .option("--force", "overwrite an existing berth.yaml")
    .action((dir, flags) => {
      code = runInit(dir, flags, io);
    });

  try {
    await program.parseAsync([...argv], { from: "user" });
    // The reader stopped early and the run stopped with it (journaled, lock released): that is not a failure.
    return io === processIO && readerGone.signal.aborted ? EXIT.ok : code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help") return EXIT.ok;
      return EXIT.badInput;
    }
    // Every cluster command gives the same code when it cannot get to the cluster, whichever step found out.
    if (err instanceof ProviderUnavailable) {
      io.err(`berth: ${err.message}`);
      return EXIT.unreachable;
    }
    const file = userFileError(err);
    if (file) {
      io.err(`error FILE ${file.path}: ${file.problem}\n  hint: ${file.hint}`);
      return EXIT.badInput;
    }
    io.err(`berth: internal error: ${(err as Error).message}`);
    io.err(debug ? String((err as Error).stack) : "(run again with --debug for the stack trace)");
    return EXIT.failure;
  }
}
