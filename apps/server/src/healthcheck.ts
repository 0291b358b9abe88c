#!/usr/bin/env node
import { ChatClient, isChatError } from "@chat/client";
import {
  CommandLineError,
  parseHostPort,
  parseSeconds,
  readCommandLine,
  sanitizeLine,
} from "@chat/client/cli";

/**
 * `chat-healthcheck --target host:port [--timeout s]`: exit 0 when the server answers INFO
 * within the timeout, 1 when it does not, 2 for bad arguments. For container HEALTHCHECKs
 * and service-manager probes; it registers no name, so it leaves no trace in the user list.
 */
const EXIT_UNHEALTHY = 1;
const EXIT_USAGE = 2;
const USAGE = "usage: healthcheck --target <host:port> [--timeout <seconds>]";

interface Probe {
  readonly host: string;
  readonly port: number;
  readonly timeoutMs: number;
}

function parseProbe(argv: readonly string[]): Probe {
  const values = readCommandLine(argv, {
    target: { type: "string" },
    timeout: { type: "string" },
  });
  if (values.target === undefined) throw new CommandLineError("--target HOST:PORT is required");
  const { host, port } = parseHostPort(values.target, "--target");
  // A timeout no timer can hold would fire at once and report a false "unhealthy".
  return { host, port, timeoutMs: parseSeconds(values.timeout ?? "2", "--timeout") };
}

/** The INFO answer's text, or throws why there was none in time. */
async function probe({ host, port, timeoutMs }: Probe): Promise<string> {
  // Several tries fit in the timeout, so one lost datagram does not fail the probe.
  const requestTimeoutMs = Math.max(50, Math.floor(timeoutMs / 8));
  const client = await ChatClient.open({
    host,
    port,
    keepAliveMs: 0,
    autoReregister: false,
    requestTimeoutMs,
    maxRetryDelayMs: requestTimeoutMs * 2,
    retries: 100,
  });
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no INFO answer from ${host}:${port} within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
  });
  try {
    const answer = await Promise.race([client.info(), late]);
    return `${answer.text} (rtt ${answer.rttMs.toFixed(1)} ms)`;
  } finally {
    clearTimeout(timer);
    await client.close({ logout: false });
  }
}

async function main(): Promise<void> {
  let target: Probe;
  try {
    target = parseProbe(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`healthcheck: ${sanitizeLine((error as Error).message)}\n${USAGE}\n`);
    process.exitCode = EXIT_USAGE;
    return;
  }
  try {
    // The INFO text and any ERROR text come from the server: escaped before printing.
    process.stdout.write(`healthy: ${sanitizeLine(await probe(target))}\n`);
  } catch (error) {
    const reason = isChatError(error) || error instanceof Error ? error.message : String(error);
    process.stderr.write(`unhealthy: ${sanitizeLine(reason)}\n`);
    process.exitCode = EXIT_UNHEALTHY;
  }
}

await main();
