/** Progress as JSON lines on stdout, one event each: for CI to parse. */
import type { EventSink } from "../../engine/events.ts";
import type { CliIO } from "../io.ts";

export const jsonProgress = (io: CliIO): EventSink => (e) => io.out(JSON.stringify({ at: new Date().toISOString(), ...e }));
