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
 * `chat-healthcheck --target host:port [--ready URL] [--timeout s]`: exit 0 when the server
 * answers INFO within the timeout (and, with --ready, its /readyz answers 200), 1 when not,
 * 2 for bad arguments. For container HEALTHCHECKs and service-manager probes; it registers
 * no name, so it leaves no trace in the user list. `--ready` alone probes readiness only.
 */
const EXIT_UNHEALTHY = 1;
const EXIT_USAGE = 2;
const USAGE =
  "usage: healthcheck --target <host:port> [--ready <http://host:port/readyz>] [--timeout <seconds>]";

interface Probe {
  readonly target?: { readonly host: string; readonly port: number };
  readonly ready?: URL;
  readonly timeoutMs: number;
}

function parseProbe(argv: readonly string[]): Probe {
  const values = readCommandLine(argv, {
    target: { type: "string" },
    ready: { type: "string" },
    timeout: { type: "string" },
  });
  if (values.target === undefined && values.ready === undefined) {
    throw new CommandLineError("--target HOST:PORT or --ready URL is required");
  }
  const target = values.target === undefined ? undefined : parseHostPort(values.target, "--target");
  const ready = values.ready === undefined ? undefined : parseReadyUrl(values.ready);
  // A timeout no timer can hold would fire at once and report a false "unhealthy".
  const timeoutMs = parseSeconds(values.timeout ?? "2", "--timeout");
  return { ...(target && { target }), ...(ready && { ready }), timeoutMs };
}

function parseReadyUrl(text: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new CommandLineError(`--ready: ${JSON.stringify(text)} is not an http:// URL`);
  }
  return url;
}

/** The readiness endpoint's answer, or throws why it is not ready. */
async function probeReady(url: URL, timeoutMs: number): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    // undici's "fetch failed" says nothing; the cause (or the first of several) has the code.
    type Cause = { code?: string; message?: string; errors?: Array<{ code?: string }> };
    const cause = (error as { cause?: Cause }).cause;
    const code = cause?.code ?? cause?.errors?.[0]?.code ?? cause?.message;
    throw new Error(`${url.href}: ${code ?? (error as Error).message}`);
  }
  const body = (await response.text()).trim();
  if (response.status !== 200) throw new Error(`${url.href}: ${response.status} ${body}`);
  return `${url.href}: ${body}`;
}

/** The INFO answer's text, or throws why there was none in time. */
async function probeInfo(
  { host, port }: { host: string; port: number },
  timeoutMs: number,
): Promise<string> {
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
    const answers: string[] = [];
    if (target.target) answers.push(await probeInfo(target.target, target.timeoutMs));
    if (target.ready) answers.push(await probeReady(target.ready, target.timeoutMs));
    // The INFO text and the readiness body come from the server: escaped before printing.
    process.stdout.write(`healthy: ${sanitizeLine(answers.join("; "))}\n`);
  } catch (error) {
    const reason = isChatError(error) || error instanceof Error ? error.message : String(error);
    process.stderr.write(`unhealthy: ${sanitizeLine(reason)}\n`);
    process.exitCode = EXIT_UNHEALTHY;
  }
}

await main();
