import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { ListenAddress } from "./config.js";
import type { RunningDaemon } from "./daemon.js";
import type { Logger } from "./logger.js";
import type { DaemonMetrics } from "./metrics.js";

export interface MetricsServer {
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves GET /metrics (Prometheus text format), GET /healthz (liveness) and GET /readyz
 * (readiness) over HTTP at `where`.
 * Resolves once listening and logs "metrics listening" with the real port (also for port 0);
 * rejects if the address cannot be bound.
 */
export async function serveMetrics(
  where: ListenAddress,
  metrics: DaemonMetrics,
  daemon: RunningDaemon,
  logger: Logger,
): Promise<MetricsServer> {
  const server = createServer((request, response) => {
    handle(request, response, metrics, daemon).catch((error: unknown) => {
      logger.error({ err: error }, "metrics request failed");
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  // A scraper that keeps its connection open must not keep a stopping server alive.
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: where.host, port: where.port }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  server.on("error", (error) => logger.error({ err: error }, "metrics server error"));
  server.unref(); // the UDP socket alone decides when the process may exit
  const bound = server.address();
  const port = typeof bound === "object" && bound !== null ? bound.port : where.port;
  const announcer = logger.isLevelEnabled("info") ? logger : logger.child({}, { level: "info" });
  announcer.info({ address: where.host, port }, "metrics listening");
  return {
    address: where.host,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  metrics: DaemonMetrics,
  daemon: RunningDaemon,
): Promise<void> {
  const path = (request.url ?? "/").split("?")[0];
  if (request.method !== "GET" && request.method !== "HEAD") {
    response.writeHead(405, { allow: "GET, HEAD" }).end();
    return;
  }
  if (path === "/metrics") {
    const body = await metrics.render(() => daemon.stats());
    response.writeHead(200, { "content-type": metrics.contentType });
    response.end(request.method === "HEAD" ? undefined : body);
    return;
  }
  if (path === "/healthz") {
    // Answered by the same event loop that serves UDP: a blocked or dead daemon cannot answer.
    response.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
    response.end(request.method === "HEAD" ? undefined : `ok ${daemon.address} ${daemon.port}\n`);
    return;
  }
  if (path === "/readyz") {
    // Readiness, not liveness: 503 while this node would refuse new users, so a load
    // balancer or an orchestrator sends them elsewhere (and never restarts it for this).
    const why = daemon.notReady();
    response.writeHead(why === undefined ? 200 : 503, {
      "content-type": "text/plain; charset=utf-8",
    });
    response.end(
      request.method === "HEAD" ? undefined : why === undefined ? "ready\n" : `not ready: ${why}\n`,
    );
    return;
  }
  response.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
  response.end("not found: try /metrics, /healthz or /readyz\n");
}
