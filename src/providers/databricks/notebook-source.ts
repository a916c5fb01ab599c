/**
 * A source notebook as berth compares it. Databricks re-serialises a notebook imported as SOURCE: its export has a
 * first line `# Databricks notebook source` (in the language's comment syntax), LF line endings, and the cells —
 * split at `# COMMAND ----------` (`-- …` SQL, `// …` Scala) — each trimmed and joined with a blank line around the
 * separator. So both sides are compared cell by cell: split at the separator lines, each cell trimmed. Spacing
 * around separators is never an edit; the cells, their number and `# MAGIC` lines are the user's content.
 */
import type { NotebookFile } from "../../resources/databricks-resource.ts";

type Language = NonNullable<NotebookFile["language"]>;

/** The first line Databricks writes into an exported source notebook, per language. */
export const NOTEBOOK_HEADER: Readonly<Record<Language, string>> = {
  PYTHON: "# Databricks notebook source",
  SQL: "-- Databricks notebook source",
  SCALA: "// Databricks notebook source",
  R: "# Databricks notebook source",
};

/** The line between two cells, per language. */
export const CELL_SEPARATOR: Readonly<Record<Language, string>> = {
  PYTHON: "# COMMAND ----------",
  SQL: "-- COMMAND ----------",
  SCALA: "// COMMAND ----------",
  R: "# COMMAND ----------",
};

/** The cells of a source notebook, each trimmed, without Databricks' header line. */
export function notebookCells(bytes: Uint8Array, language: Language): string[] {
  const text = new TextDecoder().decode(bytes).replace(/\r\n?/g, "\n");
  const [first, ...rest] = text.split("\n");
  const lines = first !== undefined && first.trim() === NOTEBOOK_HEADER[language] ? rest : text.split("\n");
  const cells: string[][] = [[]];
  for (const line of lines) {
    if (line.trim() === CELL_SEPARATOR[language]) cells.push([]);
    else cells[cells.length - 1]!.push(line);
  }
  return cells.map((c) => c.join("\n").trim());
}

/** The text of a source notebook as Databricks writes it back, less the header: what two copies must share to be the same notebook. */
export function normaliseNotebook(bytes: Uint8Array, language: Language): string {
  return notebookCells(bytes, language).join(`\n\n${CELL_SEPARATOR[language]}\n\n`);
}
