/** Every page of a Databricks list: `next_page_token` until it is empty or absent (clusters/list, jobs/list). */
import type { Progress } from "../../provider.ts";
import type { DatabricksApi, Json } from "../api.ts";

/** A guard against a server that keeps answering the same token. */
const MAX_PAGES = 10_000;

export async function listAll(api: DatabricksApi, path: string, items: string, query: Readonly<Record<string, string | readonly string[]>>, operation: string, progress?: Progress): Promise<Json[]> {
  const out: Json[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await api.get({ path, query: { ...query, ...(token ? { page_token: token } : {}) }, operation, readOnly: true, ...(progress ? { progress } : {}) });
    out.push(...((answer[items] as Json[] | undefined) ?? []));
    const next = typeof answer.next_page_token === "string" && answer.next_page_token !== "" ? answer.next_page_token : undefined;
    if (!next || next === token || answer.has_more === false) break;
    token = next;
  }
  return out;
}
