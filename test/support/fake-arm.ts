/**
 * An in-process ARM for unit tests of the Azure provider, passed as core-rest-pipeline's HttpClient: resources kept
 * by id, PUT answering like ARM (201 on create, 200 on update, with the fields ARM adds: id, etag, systemData,
 * provisioningState, a canonical location), DELETE 200 or 204, and scripted answers in front of that for the cases a
 * test is about (throttling, long-running operations, errors). Every request is recorded.
 */
import { createHttpHeaders, type HttpClient, type PipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import type { TokenCredential } from "@azure/core-auth";

export interface FakeRequest {
  readonly method: string;
  readonly url: URL;
  /** Path only, lower-cased as ARM treats it. */
  readonly path: string;
  readonly apiVersion: string | null;
  readonly body: any;
  readonly authorization: string | undefined;
}

export interface FakeAnswer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
  /** Throw this instead of answering (a lost connection). */
  readonly throws?: Error;
}

type Script = { match: (r: FakeRequest) => boolean; answers: (FakeAnswer | ((r: FakeRequest) => FakeAnswer))[] };

export const ENDPOINT = "https://management.fake.test";

export class FakeArm implements HttpClient {
  readonly requests: FakeRequest[] = [];
  readonly resources = new Map<string, any>();
  #scripts: Script[] = [];
  #etag = 0;

  /** Answers `match`ing requests with these, one each, before the resource store answers. */
  script(match: (r: FakeRequest) => boolean, ...answers: Script["answers"]): void {
    this.#scripts.push({ match, answers: [...answers] });
  }

  seed(id: string, resource: any): void {
    this.resources.set(id.toLowerCase(), { id, ...resource });
  }

  writes(): FakeRequest[] {
    return this.requests.filter((r) => r.method !== "GET");
  }

  async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
    const url = new URL(request.url);
    const body = typeof request.body === "string" && request.body ? JSON.parse(request.body) : undefined;
    const r: FakeRequest = { method: request.method, url, path: url.pathname.toLowerCase(), apiVersion: url.searchParams.get("api-version"), body, authorization: request.headers.get("authorization") };
    this.requests.push(r);
    const script = this.#scripts.find((s) => s.answers.length && s.match(r));
    const next = script?.answers.shift();
    const answer = next ? (typeof next === "function" ? next(r) : next) : this.#store(r);
    if (answer.throws) throw answer.throws;
    return { request, status: answer.status, headers: createHttpHeaders(answer.headers ?? {}), bodyAsText: answer.body === undefined ? "" : JSON.stringify(answer.body) };
  }

  #store(r: FakeRequest): FakeAnswer {
    const key = r.path.replace(/\/+$/, "");
    const have = this.resources.get(key);
    if (r.method === "GET") return have ? { status: 200, body: have } : notFound(key);
    if (r.method === "PUT") {
      const id = r.url.pathname;
      const segments = id.split("/");
      const resource = {
        ...r.body,
        id,
        name: segments.at(-1),
        ...(r.body?.location ? { location: String(r.body.location).toLowerCase().replace(/\s+/g, "") } : {}),
        etag: `W/"${++this.#etag}"`,
        systemData: { createdBy: "someone", lastModifiedAt: "2026-01-01T00:00:00Z" },
        properties: { ...r.body?.properties, provisioningState: "Succeeded" },
      };
      delete resource.properties.administratorLoginPassword;
      delete resource.properties.value;
      delete resource.properties.createMode;
      this.resources.set(key, resource);
      return { status: have ? 200 : 201, body: resource };
    }
    if (r.method === "DELETE") {
      if (!have) return { status: 204 };
      this.resources.delete(key);
      return { status: 200 };
    }
    return { status: 404, body: { error: { code: "NotScripted", message: `${r.method} ${r.path} is not scripted` } } };
  }
}

export const notFound = (path: string): FakeAnswer => ({ status: 404, body: { error: { code: "ResourceNotFound", message: `The Resource '${path}' was not found.` } } });

export const fakeCredential = (calls: string[][] = []): TokenCredential => ({
  getToken: async (scopes) => {
    calls.push(Array.isArray(scopes) ? [...scopes] : [scopes as string]);
    return { token: `token-for-${[scopes].flat().join(",")}`, expiresOnTimestamp: Date.now() + 3_600_000 };
  },
});
