/**
 * Progress on a terminal: finished steps scroll by as lines; the steps in progress stay at the bottom as a live
 * list with their state and time, redrawn in place.
 */
import type { EngineEvent, EventSink } from "../../engine/events.ts";
import { failureBlock, seconds, stepLine } from "./plain.ts";

interface Active {
  title: string;
  state: string;
  message?: string;
  since: number;
}

export function ttyProgress(stream: NodeJS.WriteStream): EventSink & { stop(): void } {
  const active = new Map<string, Active>();
  let drawn = 0;
  const clear = () => {
    if (drawn) stream.write(`\x1b[${drawn}F\x1b[J`);
    drawn = 0;
  };
  const draw = () => {
    const width = stream.columns ?? 100;
    const lines = [...active.values()].slice(0, Math.max(3, (stream.rows ?? 24) - 4)).map((a) => `  ${a.state === "waiting" ? "◌" : "▸"} ${a.title}${a.message ? ` — ${a.message}` : ""} ${seconds(Date.now() - a.since)}`.slice(0, width - 1));
    if (active.size > lines.length) lines.push(`  … and ${active.size - lines.length} more`);
    if (lines.length) stream.write(`${lines.join("\n")}\n`);
    drawn = lines.length;
  };
  const timer = setInterval(() => {
    clear();
    draw();
  }, 250);
  timer.unref();
  const sink = (e: EngineEvent) => {
    clear();
    if (e.type === "note") stream.write(`  note: ${e.message}\n`);
    else if (e.type === "run") stream.write(e.state === "started" ? `run ${e.run} (revision ${e.revision}): ${e.steps} steps\n` : `run ${e.run} ${e.status} in ${seconds(e.elapsedMs)}\n`);
    else if (e.state === "running" || e.state === "waiting") {
      const prev = active.get(e.id);
      active.set(e.id, { title: e.title, state: e.state, ...(e.message ? { message: e.message } : {}), since: prev?.since ?? Date.now() });
    } else {
      active.delete(e.id);
      if (e.state !== "waiting-on-needs") {
        stream.write(`${stepLine(e)}\n`);
        if (e.state === "failed") for (const l of failureBlock(e)) stream.write(`${l}\n`);
      }
    }
    draw();
  };
  return Object.assign(sink, {
    stop: () => {
      clearInterval(timer);
      clear();
    },
  });
}
