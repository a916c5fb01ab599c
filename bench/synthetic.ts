/** Synthetic platforms for the benchmark: N apps, each with config, autoscaling, an ingress and monitoring. */
export function syntheticSpec(apps: number): string {
  const lines = [
    "apiVersion: berth.dev/v1alpha1",
    "kind: Platform",
    "metadata:",
    `  name: bench-${apps}`,
    "spec:",
    "  kubernetes:",
    '    version: "1.31"',
    "    ingress: { controller: ingress-nginx }",
    "    prometheus: { namespace: monitoring, selectorLabels: { release: kube-prometheus-stack } }",
    "    namespaces: { a: bench-a, b: bench-b, c: bench-c, d: bench-d }",
    "  apps:",
  ];
  for (let i = 0; i < apps; i++) {
    const ns = "abcd"[i % 4];
    lines.push(
      `    svc-${i}:`,
      `      namespace: ${ns}`,
      `      image: ghcr.io/acme/svc-${i}:1.${i % 10}.0`,
      "      ports: [{ name: http, port: 8080 }, { name: metrics, port: 9090 }]",
      "      probes: { liveness: { path: /live }, readiness: { path: /ready } }",
      `      config: { data: { LOG_LEVEL: info, INDEX: "${i}" } }`,
      "      env: { LOG_LEVEL: { config: LOG_LEVEL }, INDEX: { config: INDEX } }",
      "      autoscale: { min: 2, max: 6, cpu: 70 }",
      `      ingress: { host: svc-${i}.example.com }`,
      "      monitoring: { port: metrics }",
      ...(i > 0 ? [`      connects: [svc-${i - 1}]`] : []),
    );
  }
  return `${lines.join("\n")}\n`;
}
