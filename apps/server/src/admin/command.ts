#!/usr/bin/env node
import { connect } from "node:net";
import { parseArgs } from "node:util";
import {
  ADMIN_VERBS,
  type AdminAnswer,
  type AdminRequest,
  type AdminVerb,
  needsTarget,
  parseDuration,
} from "./protocol.js";

/**
 * `chat-admin --socket PATH <verb> [target] [--for DURATION]`: one request to a running
 * server's admin socket. Exit 0 done, 1 refused or unreachable, 2 bad arguments.
 */
const EXIT_REFUSED = 1;
const EXIT_USAGE = 2;
const USAGE = [
  "usage: chat-admin --socket <path> <verb> [target] [--for <duration>] [--json]",
  "  users                       names with their addresses",
  "  kick <name>                 remove a user (ERROR `removed by the operator`)",
  "  ban <address|cidr|name:<name>> [--for 30m]   refuse them (ERROR `banned`); until unbanned or restart",
  "  unban <address|cidr|name:<name>>",
  "  bans                        the deny file's entries and the admin bans",
  "  reload                      what SIGHUP does: settings file and deny file again",
].join("\n");

class UsageError extends Error {}

function readRequest(argv: readonly string[]): {
  socket: string;
  request: AdminRequest;
  json: boolean;
} {
  let parsed: ReturnType<
    typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>
  >;
  try {
    parsed = parseArgs({
      args: argv[0] === "--" ? argv.slice(1) : [...argv],
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message.split("\n")[0]);
  }
  const { values, positionals } = parsed;
  const socket = values.socket ?? process.env.CHAT_ADMIN_SOCKET;
  if (socket === undefined || socket === "")
    throw new UsageError("--socket PATH is required (or CHAT_ADMIN_SOCKET)");
  const [verb, target, ...rest] = positionals;
  if (!(ADMIN_VERBS as readonly (string | undefined)[]).includes(verb)) {
    throw new UsageError(verb === undefined ? "a verb is required" : `unknown verb ${verb}`);
  }
  if (rest.length > 0) throw new UsageError(`unexpected argument ${rest[0]}`);
  const targeted = needsTarget(verb as AdminVerb);
  if (targeted !== (target !== undefined)) {
    throw new UsageError(targeted ? `${verb} needs a target` : `${verb} takes no target`);
  }
  let forMs: number | undefined;
  if (values.for !== undefined) {
    if (verb !== "ban") throw new UsageError("--for goes with ban");
    forMs = parseDuration(values.for);
    if (forMs === undefined)
      throw new UsageError(
        `--for: ${JSON.stringify(values.for)} is not a duration (90s, 15m, 2h, 7d)`,
      );
  }
  return {
    socket,
    json: values.json === true,
    request: {
      verb: verb as AdminVerb,
      ...(target === undefined ? {} : { target }),
      ...(forMs === undefined ? {} : { forMs }),
    },
  };
}

const OPTIONS = {
  socket: { type: "string" },
  for: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** Sends the request; resolves with the answer or rejects why there was none. */
function ask(path: string, request: AdminRequest, timeoutMs = 10_000): Promise<AdminAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let text = "";
    socket.setEncoding("utf8");
    socket.setTimeout(timeoutMs, () =>
      socket.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)),
    );
    socket.once("connect", () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on("data", (chunk: string) => {
      text += chunk;
    });
    socket.once("error", (error: NodeJS.ErrnoException) =>
      reject(new Error(`${path}: ${error.code ?? error.message}`)),
    );
    socket.once("end", () => {
      try {
        resolve(JSON.parse(text) as AdminAnswer);
      } catch {
        reject(
          new Error(`${path}: not an admin socket (answered ${JSON.stringify(text.slice(0, 80))})`),
        );
      }
    });
  });
}

/** The answer for a person: one line per user or ban, or what was done. */
function describe(verb: AdminVerb, answer: AdminAnswer & { ok: true }): string {
  switch (verb) {
    case "users": {
      const users = answer.users as Array<{ name: string; address: string; port: number }>;
      return users.map((u) => `${u.name}\t${u.address}\t${u.port}`).join("\n") || "(no users)";
    }
    case "bans": {
      const bans = answer.bans as Array<{ entry: string; source: string; until?: string }>;
      return (
        bans
          .map((b) => `${b.entry}\t${b.source}${b.until ? `\tuntil ${b.until}` : ""}`)
          .join("\n") || "(no bans)"
      );
    }
    case "kick":
      return answer.here === false
        ? `asked ${String(answer.nodesAsked)} nodes to kick ${String(answer.kicked)}`
        : `kicked ${String(answer.kicked)}`;
    case "ban": {
      const ban = answer.ban as { entry: string; until?: string };
      return `banned ${ban.entry}${ban.until ? ` until ${ban.until}` : ""}`;
    }
    case "unban":
      return `unbanned ${String(answer.unbanned)}`;
    case "reload":
      return `reloaded: applied ${JSON.stringify(answer.applied)}, needs a restart ${JSON.stringify(answer.needsRestart)}, bans added ${JSON.stringify(answer.bansAdded)}, removed ${JSON.stringify(answer.bansRemoved)}`;
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let command: ReturnType<typeof readRequest>;
  try {
    command = readRequest(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`chat-admin: ${error.message}\n${USAGE}\n`);
    process.exitCode = EXIT_USAGE;
    return;
  }
  try {
    const answer = await ask(command.socket, command.request);
    if (command.json) process.stdout.write(`${JSON.stringify(answer)}\n`);
    if (!answer.ok) {
      if (!command.json) process.stderr.write(`chat-admin: ${answer.error}\n`);
      process.exitCode = EXIT_REFUSED;
    } else if (!command.json) process.stdout.write(`${describe(command.request.verb, answer)}\n`);
  } catch (error) {
    process.stderr.write(`chat-admin: ${(error as Error).message}\n`);
    process.exitCode = EXIT_REFUSED;
  }
}

await main();
