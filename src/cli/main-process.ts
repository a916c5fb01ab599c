/** Runs the CLI as a process from the sources (tests send it signals); bin/berth.js is the installed entry. */
import { main } from "./main.ts";

process.exitCode = await main(process.argv.slice(2));
