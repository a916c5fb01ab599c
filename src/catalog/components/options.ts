/** The option schemas of every catalog type; the spec's `components` entries are validated against them by `type`. */
import { AirflowOptions } from "./airflow/options.ts";
import { ClickhouseOptions } from "./clickhouse/options.ts";
import { ExternalPostgresqlOptions, ExternalSqlserverOptions } from "./external/options.ts";
import { KafkaOptions } from "./kafka/options.ts";
import { MinioOptions } from "./minio/options.ts";
import { NessieOptions } from "./nessie/options.ts";
import { PostgresqlOptions } from "./postgresql/options.ts";
import { RedisOptions } from "./redis/options.ts";
import { SchemaRegistryOptions } from "./schema-registry/options.ts";
import { FlinkOptions } from "./flink/options.ts";
import { SparkOptions } from "./spark/options.ts";
import { SupersetOptions } from "./superset/options.ts";
import { TrinoOptions } from "./trino/options.ts";

export const COMPONENT_OPTIONS = [PostgresqlOptions, RedisOptions, MinioOptions, NessieOptions, KafkaOptions, SchemaRegistryOptions, ClickhouseOptions, TrinoOptions, FlinkOptions, SparkOptions, SupersetOptions, ExternalPostgresqlOptions, ExternalSqlserverOptions, AirflowOptions] as const;
