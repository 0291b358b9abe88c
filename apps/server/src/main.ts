#!/usr/bin/env node
import { serveAdmin } from "./admin/server.js";
import { watchCluster } from "./cluster-health.js";
import { type ClusterKick, shareModeration } from "./cluster-moderation.js";
import { ConfigError } from "./config.js";
import { type RunningDaemon, startDaemon } from "./daemon.js";
import { type LoadedCommand, loadCommand } from "./load-config.js";
import { createLogger, type Logger } from "./logger.js";
import type { DaemonMetrics } from "./metrics.js";
import { serveMetrics } from "./metrics-server.js";
import { Moderation } from "./moderation.js";
import { redactedError, redactUrls } from "./redact.js";
import { Reloader } from "./reload.js";
import { VERSION } from "./version.js";

/** Exit codes: 0 clean stop, 1 runtime failure, 2 bad configuration (nothing was bound). */
const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

const ARGV = process.argv.slice(2);

function usageError(message: string): undefined {
  process.stderr.write(`chat-server: ${redactUrls(message)}\n`);
  process.exitCode = EXIT_USAGE;
  return undefined;
}

function readCommand(): LoadedCommand | undefined {
  try {
    return loadCommand(ARGV, process.env, VERSION);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return usageError(error.message);
  }
}

function handleCrashes(logger: Logger): void {
  const die = (what: string) => (error: unknown) => {
    logger.fatal({ err: redactedError(error) }, what);
    process.exit(EXIT_FAILURE);
  };
  process.on("uncaughtException", die("uncaught exception"));
  process.on("unhandledRejection", die("unhandled promise rejection"));
}

// Installed before binding: the "listening" line tells a supervisor it may signal us, so a
// signal right after it must already find the handler rather than kill the process outright.
function stopOnSignals(getDaemon: () => RunningDaemon | undefined, logger: Logger): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, "second signal: exiting without waiting");
      process.exit(EXIT_FAILURE);
    }
    stopping = true;
    logger.info({ signal }, "shutting down");
    const daemon = getDaemon();
    if (daemon === undefined) process.exit(0); // not listening yet: nobody to notify
    daemon.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.fatal({ err: redactedError(error) }, "shutdown failed");
        process.exit(EXIT_FAILURE);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

/**
 * SIGHUP reloads (never fatal: without a handler it would kill the process, exit 129).
 * SIGUSR1 would open Node's inspector on 127.0.0.1:9229; a handler keeps it shut (debug
 * with `node --inspect` instead).
 */
function reloadOnSignals(reloader: Reloader, logger: Logger): void {
  process.on("SIGHUP", () => {
    logger.info({ signal: "SIGHUP" }, "reloading");
    void reloader.reload("SIGHUP");
  });
  process.on("SIGUSR1", () => {
    logger.warn({ signal: "SIGUSR1" }, "SIGUSR1 ignored: the inspector does not open on a signal");
  });
}

async function main(): Promise<void> {
  const command = readCommand();
  if (command === undefined) return;
  if (command.kind !== "run") {
    process.stdout.write(command.text);
    return;
  }
  const { config } = command;
  const logger = createLogger({ level: config.logLevel, pretty: config.pretty });
  handleCrashes(logger);
  for (const warning of command.warnings) logger.warn({ warning }, "setting ignored");
  let daemon: RunningDaemon | undefined;
  stopOnSignals(() => daemon, logger);
  let denied: Parameters<RunningDaemon["deny"]>[0] | undefined;
  const moderation = new Moderation(
    {
      deny: (list) => {
        denied = list;
        daemon?.deny(list);
      },
    },
    logger,
  );
  const reloader = new Reloader(
    { argv: ARGV, env: process.env, version: VERSION },
    config,
    logger,
    moderation,
  );
  try {
    await reloader.start();
  } catch (error) {
    return usageError(`deny file: ${error instanceof Error ? error.message : String(error)}`);
  }
  reloadOnSignals(reloader, logger);
  // prom-client is loaded only when metrics are served (~0.05 s of CPU at every start).
  const metrics: DaemonMetrics | undefined = config.metrics
    ? new (await import("./metrics.js")).DaemonMetrics(VERSION, {
        maxUsers: config.settings.maxUsers,
        node: config.nodeName,
      })
    : undefined;
  // Before the cluster's first join, which waits up to 5 s: why Redis is unreachable is
  // logged while that runs, and again at a bounded rate for as long as it lasts.
  let clusterKick: ClusterKick | undefined;
  if (config.cluster !== undefined) {
    await watchCluster(config.cluster, logger);
    clusterKick = await shareModeration(
      { cluster: config.cluster, clusterPrefix: config.clusterPrefix },
      moderation,
      () => daemon,
      logger,
    );
  }
  try {
    daemon = await startDaemon(config, logger, { onListPush: metrics?.listPushStarted });
  } catch (error) {
    const reason = redactUrls(error instanceof Error ? error.message : String(error));
    logger.fatal(
      { err: redactedError(error), host: config.host, port: config.port },
      "cannot listen",
    );
    process.stderr.write(
      `chat-server: cannot listen on ${config.host} port ${config.port}: ${reason}\n`,
    );
    process.exit(EXIT_FAILURE);
  }
  if (denied !== undefined) daemon.deny(denied);
  if (config.adminSocket !== undefined) {
    const path = config.adminSocket;
    const tools = { daemon, moderation, reloader, ...(clusterKick && { clusterKick }) };
    await serveAdmin(path, tools, logger).catch((error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      logger.fatal({ err: error, path }, "cannot serve the admin socket");
      process.stderr.write(`chat-server: cannot serve the admin socket: ${reason}\n`);
      process.exit(EXIT_FAILURE);
    });
  }
  if (metrics && config.metrics) {
    const { host, port } = config.metrics;
    await serveMetrics(config.metrics, metrics, daemon, logger).catch((error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      logger.fatal({ err: error, host, port }, "cannot serve metrics");
      process.stderr.write(
        `chat-server: cannot serve metrics on ${host} port ${port}: ${reason}\n`,
      );
      process.exit(EXIT_FAILURE);
    });
  }
}

await main();
