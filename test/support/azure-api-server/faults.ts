/** Injected faults: request faults answer instead of the handler (consumed by count); provisioning faults fail a write's operation. */
import type { ProvisioningFault, RequestFault, RequestMatch, Service } from "./types.ts";

interface Pending<F> {
  readonly fault: F;
  remaining: number;
}

const pathMatches = (m: RequestMatch["path"], path: string): boolean =>
  m === undefined || (typeof m === "string" ? path.toLowerCase().includes(m.toLowerCase()) : m.test(path));

export class Faults {
  #requests: Pending<RequestFault>[] = [];
  #provisioning: Pending<ProvisioningFault>[] = [];

  addRequest(f: RequestFault): void {
    this.#requests.push({ fault: f, remaining: f.times ?? 1 });
  }

  addProvisioning(f: ProvisioningFault): void {
    this.#provisioning.push({ fault: f, remaining: f.times ?? 1 });
  }

  takeRequest(req: { service: Service; method: string; path: string; type?: string }): RequestFault | undefined {
    const hit = this.#requests.find(({ fault: { match: m }, remaining }) => {
      if (remaining <= 0) return false;
      if (m.service !== undefined && m.service !== req.service) return false;
      if (m.method !== undefined && m.method.toUpperCase() !== req.method.toUpperCase()) return false;
      if (m.type !== undefined && m.type.toLowerCase() !== req.type?.toLowerCase()) return false;
      return pathMatches(m.path, req.path);
    });
    if (!hit) return undefined;
    hit.remaining--;
    return hit.fault;
  }

  takeProvisioning(type: string, name: string): ProvisioningFault | undefined {
    const hit = this.#provisioning.find(
      ({ fault: { match: m }, remaining }) =>
        remaining > 0 && (m.type === undefined || m.type.toLowerCase() === type.toLowerCase()) && (m.name === undefined || m.name.toLowerCase() === name.toLowerCase()),
    );
    if (!hit) return undefined;
    hit.remaining--;
    return hit.fault;
  }
}
