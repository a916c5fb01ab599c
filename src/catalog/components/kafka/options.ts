import { z } from "zod";
import { Storage } from "../../../spec/schema-parts.ts";
import { commonOptions } from "../common-options.ts";

export const KafkaOptions = z
  .strictObject({
    type: z.literal("kafka"),
    ...commonOptions,
    replicas: z.int().min(1).max(9).default(1).describe("Brokers, each also a KRaft controller (combined mode)."),
    partitions: z.int().min(1).default(3).describe("Default partitions for new topics."),
    storage: Storage.prefault({ size: "10Gi" }),
  })
  .describe("Apache Kafka in KRaft mode (no ZooKeeper), with a fixed cluster id and storage formatted only once.");
