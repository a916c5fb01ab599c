/**
 * The contract every catalog type fulfils. A type declares its options (options.ts), what it offers a component
 * that connects to it (host, port, database, credentials), and builds its objects and generated secrets.
 */
import type { KubeDesired } from "../../resources/kube-object.ts";
import type { GeneratedSecret } from "../../resources/secrets.ts";
import type { SpecPath } from "../../spec/path.ts";
import type { Platform } from "../../spec/schema.ts";

export type ComponentOptions = Platform["spec"]["components"][string];

export interface SecretKeyRef {
  readonly name: string;
  readonly key: string;
}

/** What a provider hands a consumer that connects to it; consumers turn it into their own env names. */
export interface ConnectionInfo {
  readonly provider: string;
  readonly type: string;
  readonly host: string;
  readonly port: number;
  readonly database?: string;
  readonly user?: string;
  /** When the user name itself is generated (MinIO's root user), it arrives by reference too. */
  readonly userRef?: SecretKeyRef;
  readonly password?: SecretKeyRef;
  /** Ports the consumer's pods must reach (NetworkPolicy). */
  readonly ports: readonly number[];
  /** The connection URL with `{password}` (and `{user}`) where `$(VAR)` references go; never the values. */
  readonly url?: string;
  readonly sslmode?: string;
  /** Labels of the provider's pods (NetworkPolicy peer); absent for servers outside the cluster. */
  readonly podLabels?: Record<string, string>;
  /** Address ranges of a server outside the cluster (NetworkPolicy ipBlock). */
  readonly cidrs?: readonly string[];
  readonly namespace: string;
}

export interface Consumer {
  readonly name: string;
  readonly namespace: string;
  readonly podLabels: Record<string, string>;
}

export interface ComponentContext<O extends ComponentOptions = ComponentOptions> {
  readonly platform: Platform;
  readonly name: string;
  readonly options: O;
  readonly namespace: string;
  readonly origin: SpecPath;
  /** What each component this one connects to offers it. */
  readonly connections: readonly ConnectionInfo[];
  /** Who connects to this component. */
  readonly consumers: readonly Consumer[];
}

export interface ComponentBuild {
  readonly resources: KubeDesired[];
  readonly secrets: GeneratedSecret[];
}

export interface ComponentType<O extends ComponentOptions = ComponentOptions> {
  readonly type: O["type"];
  /** Connection types it cannot run without (nessie needs a postgresql); checked before synth. */
  readonly requires?: readonly string[];
  /** What a connecting app may read with `env: { X: { from, value } }`. */
  readonly offers: readonly ("host" | "port" | "database" | "user" | "password" | "url")[];
  /** Ports consumers may reach, and the labels of the pods serving them. */
  offer(ctx: ComponentContext<O>, consumer: Consumer): ConnectionInfo;
  build(ctx: ComponentContext<O>): ComponentBuild;
}
