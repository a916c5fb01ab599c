/** The option schemas of every catalog type; the spec's `components` entries are validated against them by `type`. */
import { PostgresqlOptions } from "./postgresql/options.ts";
import { RedisOptions } from "./redis/options.ts";

export const COMPONENT_OPTIONS = [PostgresqlOptions, RedisOptions] as const;
