/** Zod building blocks shared by the spec schema and the catalog's component options. */
import { z } from "zod";
import * as f from "./formats.ts";

/** A string checked by one of the formats; the format's hint travels with the issue. */
export const formatted = (check: f.FormatCheck, description?: string) => {
  const s = z.string().superRefine((value, ctx) => {
    const problem = check(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem.message, params: { hint: problem.hint }, input: value });
  });
  return description ? s.describe(description) : s;
};

export const Name = formatted(f.dnsLabel, "An RFC 1123 label: lower-case letters, digits and '-', at most 63 characters.");
export const ObjectName = formatted(f.dnsSubdomain, "A Kubernetes object name (RFC 1123 subdomain).");
export const DataKey = formatted(f.dataKey, "A ConfigMap or Secret data key.");
export const PortNumber = z.int().min(1).max(65535).describe("A port number, 1–65535.");
export const PortName = formatted(f.portName, "A port name (IANA service name): at most 15 lower-case letters, digits and '-'.");
export const Labels = z
  .record(formatted(f.labelKey), formatted(f.labelValue))
  .describe("Extra labels, merged into every object generated for this entry.");

export const Quantities = (cpu: string, memory: string) =>
  z
    .strictObject({
      cpu: formatted(f.cpuQuantity).default(cpu),
      memory: formatted(f.memoryQuantity).default(memory),
      ephemeralStorage: formatted(f.storageQuantity).optional().describe("ephemeral-storage, e.g. 1Gi."),
    })
    .prefault({});

export const Resources = z
  .strictObject({
    requests: Quantities("100m", "128Mi").describe("What the scheduler reserves. Defaults: cpu 100m, memory 128Mi."),
    limits: Quantities("500m", "256Mi").describe("The most the container may use. Defaults: cpu 500m, memory 256Mi."),
  })
  .prefault({})
  .describe("CPU and memory per container; requests must not exceed limits.");


export const Storage = z
  .strictObject({
    size: formatted(f.storageQuantity),
    storageClass: ObjectName.optional().describe("Defaults to spec.kubernetes.defaultStorageClass."),
  })
  .describe("A persistent volume per replica.");
