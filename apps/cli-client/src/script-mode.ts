import { ChatClient, type ClientEvents } from "@chat/client";
import { jsonLine, sanitizeLine } from "@chat/client/cli";
import { type ChatConnection, reasonOf } from "./app/connection.js";
import { clientOptions, type Options } from "./args.js";

/*
 * Scripting without a TUI. --send sends one message and exits 0 only once the server
 * confirmed it; --listen prints every event as one JSON line until SIGINT or SIGTERM.
 */

export interface ScriptIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/**
 * A line on stderr. Server-supplied text (ERROR texts, reasons) is in most of them, so every
 * one is escaped as the terminal client escapes what it shows.
 */
function complain(io: ScriptIo, text: string): void {
  io.stderr.write(`chat: ${sanitizeLine(text)}\n`);
}

/** How long leaving waits for the OK to LOGOUT. */
const LOGOUT_WAIT_MS = 1_000;

export async function leave(client: ChatConnection): Promise<void> {
  const wait = new Promise<void>((resolve) => setTimeout(resolve, LOGOUT_WAIT_MS).unref());
  if (client.name !== undefined) await Promise.race([client.logout().catch(() => undefined), wait]);
  await client.close({ logout: false }).catch(() => undefined);
}

async function openClient(options: Options, io: ScriptIo): Promise<ChatClient | undefined> {
  try {
    return await ChatClient.open(clientOptions(options));
  } catch (error) {
    complain(io, `cannot open a socket to ${options.host}: ${reasonOf(error)}`);
    return undefined;
  }
}

async function register(client: ChatClient, name: string, io: ScriptIo): Promise<boolean> {
  try {
    await client.register(name);
    return true;
  } catch (error) {
    complain(io, `cannot register as ${name}: ${reasonOf(error)}`);
    await client.close({ logout: false }).catch(() => undefined);
    return false;
  }
}

/** --send: the exit code is 0 only when the message was delivered. */
export async function runSend(options: Options, io: ScriptIo): Promise<number> {
  const client = await openClient(options, io);
  if (!client || !(await register(client, options.name as string, io))) return 1;
  const text = options.send as string;
  let outcome: string;
  try {
    const result = options.to
      ? await client.sendPrivate(options.to, text)
      : await client.broadcast(text);
    outcome = result.status === "failed" ? `failed: ${result.error}` : result.status;
  } catch (error) {
    outcome = `failed: ${reasonOf(error)}`;
  }
  await leave(client);
  if (outcome === "delivered") return 0;
  complain(io, `not delivered (${outcome})`);
  return 1;
}

const LISTENED: ReadonlyArray<keyof ClientEvents> = [
  "broadcast",
  "private",
  "users",
  "info",
  "error",
  "shutdown",
  "rtt",
  "connection",
  "keepAliveTooLong",
];

/** --listen: resolves with the exit code once interrupted (SIGINT, SIGTERM) or closed. */
export async function runListen(
  options: Options,
  io: ScriptIo,
  signals: NodeJS.EventEmitter = process,
): Promise<number> {
  const client = await openClient(options, io);
  if (!client) return 1;
  const print = (line: string) => {
    io.stdout.write(line);
  };
  for (const event of LISTENED) {
    client.on(event, (payload) => {
      const at = new Date().toISOString();
      if (event === "info") {
        const { text, rttMs } = payload as ClientEvents["info"];
        print(jsonLine({ event, at, text, rttMs }));
      } else print(jsonLine({ event, at, ...(payload as object) }));
    });
  }
  if (!(await register(client, options.name as string, io))) return 1;
  const done = new Promise<number>((resolve) => {
    const stop = (code = 0) => {
      signals.off("SIGINT", interrupted);
      signals.off("SIGTERM", interrupted);
      void leave(client).then(() => resolve(code));
    };
    const interrupted = () => stop(0);
    signals.on("SIGINT", interrupted);
    signals.on("SIGTERM", interrupted);
    // A closed pipe (`chat --listen | head -1`) ends the listener as an interrupt would.
    io.stdout.on("error", interrupted);
    // Someone took the name while the server had forgotten us: nothing more will come.
    client.on("connection", ({ state, reason }) => {
      if (state !== "refused") return;
      complain(io, `cannot get the name ${options.name} back: ${reason}`);
      stop(1);
    });
  });
  void client.list().catch(() => undefined);
  return done;
}
