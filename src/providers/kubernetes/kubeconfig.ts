/**
 * Loading the kubeconfig as kubectl does (--kubeconfig, else KUBECONFIG, else ~/.kube/config, else the in-cluster
 * service account), with one-line answers for what a user gets wrong. Without this, a missing file falls through to
 * the client library's last resort, http://localhost:8080, and fails later as "HTTP protocol is not allowed when
 * skipTLSVerify is not set".
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { ProviderUnavailable } from "../provider.ts";

const IN_CLUSTER_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";

export interface KubeconfigChoice {
  /** A kubeconfig file; default KUBECONFIG or ~/.kube/config. */
  readonly kubeconfig?: string;
  readonly context?: string;
}

/** The files kubectl would read, or none when it would use the in-cluster service account. */
function kubeconfigFiles(choice: KubeconfigChoice, env: NodeJS.ProcessEnv): string[] {
  if (choice.kubeconfig) return [choice.kubeconfig];
  const fromEnv = (env.KUBECONFIG ?? "").split(delimiter).filter(Boolean);
  if (fromEnv.length) return fromEnv;
  const home = join(env.HOME ?? homedir(), ".kube", "config");
  return existsSync(home) || !existsSync(IN_CLUSTER_TOKEN) ? [home] : [];
}

/** Throws ProviderUnavailable with what to do when the kubeconfig is missing, unreadable or lacks the context. */
export function loadKubeConfig(choice: KubeconfigChoice, env: NodeJS.ProcessEnv = process.env): KubeConfig {
  const files = kubeconfigFiles(choice, env);
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length) throw new ProviderUnavailable(`no kubeconfig at ${missing.join(", ")}; set --kubeconfig or KUBECONFIG`);
  const config = new KubeConfig();
  try {
    if (files.length) {
      config.loadFromFile(files[0]!);
      for (const f of files.slice(1)) {
        const more = new KubeConfig();
        more.loadFromFile(f);
        config.mergeConfig(more);
      }
    } else config.loadFromCluster();
    if (choice.context) {
      if (!config.getContextObject(choice.context)) throw new Error(`context "${choice.context}" is not in the kubeconfig (contexts: ${config.getContexts().map((c) => c.name).join(", ") || "none"})`);
      config.setCurrentContext(choice.context);
    }
  } catch (error) {
    throw new ProviderUnavailable(`cannot load the kubeconfig ${files.join(", ") || "(in-cluster)"}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!config.getCurrentCluster()) throw new ProviderUnavailable("the kubeconfig has no current context: choose one with --context or `kubectl config use-context`");
  return config;
}

/** A kubeconfig given as text (a cluster's credential fetched in memory), with the context chosen if any. */
export function kubeConfigFromText(text: string, context?: string): KubeConfig {
  const config = new KubeConfig();
  try {
    config.loadFromString(text);
    if (context) config.setCurrentContext(context);
  } catch (error) {
    throw new ProviderUnavailable(`cannot read the cluster's kubeconfig: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!config.getCurrentCluster()) throw new ProviderUnavailable("the cluster's kubeconfig has no current context");
  return config;
}
