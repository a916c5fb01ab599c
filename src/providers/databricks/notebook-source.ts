/**
 * A source notebook as berth compares it. Exporting a notebook imported as SOURCE gives back the text with
 * Databricks' additions: a first line `# Databricks notebook source` (in the language's comment syntax), line endings
 * as LF and its own trailing newline. Those are not the user's edits, so both sides drop them before comparing;
 * everything else — `# COMMAND ----------` cell separators, `# MAGIC` lines — is the user's content and compared.
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

/** The text of a source notebook without Databricks' additions: what two copies must share to be the same notebook. */
export function normaliseNotebook(bytes: Uint8Array, language: Language): string {
  const text = new TextDecoder().decode(bytes).replace(/\r\n?/g, "\n");
  const [first, ...rest] = text.split("\n");
  const body = first !== undefined && first.trim() === NOTEBOOK_HEADER[language] ? rest.join("\n") : text;
  return body.replace(/\s+$/, "");
}
