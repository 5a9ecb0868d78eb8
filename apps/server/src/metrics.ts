// Prometheus metrics, on a registry per app so that several apps (tests) never share counters.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

export interface Metrics {
  registry: Registry;
  requests: Counter<"method" | "route" | "status">;
  queueDepth: Gauge;
  jobDuration: Histogram<"route" | "outcome">;
  tokensGenerated: Counter;
  imagesGenerated: Counter<"route">;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "unilip_" });
  return {
    registry,
    requests: new Counter({
      name: "unilip_http_requests_total",
      help: "HTTP requests by matched route pattern and status.",
      labelNames: ["method", "route", "status"],
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: "unilip_queue_depth",
      help: "Jobs waiting for the model (the running one not counted).",
      registers: [registry],
    }),
    jobDuration: new Histogram({
      name: "unilip_job_duration_seconds",
      help: "Time the model spent on one job, by route and outcome.",
      labelNames: ["route", "outcome"],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers: [registry],
    }),
    tokensGenerated: new Counter({
      name: "unilip_tokens_generated_total",
      help: "Text tokens the model generated.",
      registers: [registry],
    }),
    imagesGenerated: new Counter({
      name: "unilip_images_generated_total",
      help: "Images the model generated or edited.",
      labelNames: ["route"],
      registers: [registry],
    }),
  };
}
