import { chmodSync, lstatSync, unlinkSync } from "node:fs";
import { connect, createServer, type Socket } from "node:net";
import { DenyEntryError } from "@chat/core";
import type { ClusterKick } from "../cluster-moderation.js";
import type { RunningDaemon } from "../daemon.js";
import type { Logger } from "../logger.js";
import type { Moderation } from "../moderation.js";
import type { Reloader } from "../reload.js";
import {
  type AdminAnswer,
  type AdminRequest,
  MAX_REQUEST_BYTES,
  parseAdminRequest,
} from "./protocol.js";

export interface AdminTools {
  readonly daemon: Pick<RunningDaemon, "kick" | "members">;
  readonly moderation: Moderation;
  readonly reloader: Reloader;
  /** Cluster mode: asks every node to kick a name; how many heard it. */
  readonly clusterKick?: ClusterKick;
}

export interface AdminServer {
  readonly path: string;
  close(): void;
}

/** A connection that sends nothing complete in this long is closed. */
const IDLE_MS = 5000;

/**
 * Serves the admin socket: a unix socket of mode 0600, so only the service's user (and
 * root) can connect; whoever can is the operator. Resolves once listening; rejects when
 * the path is in use by a live server or is not a socket.
 */
export async function serveAdmin(
  path: string,
  tools: AdminTools,
  logger: Logger,
): Promise<AdminServer> {
  await removeStale(path);
  const server = createServer((socket) => serveConnection(socket, tools, logger));
  // Created 0600 from the start (the umask), not chmod'ed after a moment of being open.
  const umask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(path, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } finally {
    process.umask(umask);
  }
  chmodSync(path, 0o600);
  server.unref();
  server.on("error", (error) => logger.error({ err: error }, "admin socket error"));
  // The file outlives the process unless removed: a stale one is also cleared at start.
  const unlink = () => unlinkQuietly(path);
  process.once("exit", unlink);
  logger.info({ path }, "admin socket listening");
  return {
    path,
    close: () => {
      process.off("exit", unlink);
      server.close();
      unlink();
    },
  };
}

function serveConnection(socket: Socket, tools: AdminTools, logger: Logger): void {
  let buffered = "";
  socket.setEncoding("utf8");
  socket.setTimeout(IDLE_MS, () => socket.destroy());
  socket.on("error", () => {});
  socket.on("data", (chunk: string) => {
    buffered += chunk;
    const newline = buffered.indexOf("\n");
    if (newline < 0 && buffered.length <= MAX_REQUEST_BYTES) return;
    socket.removeAllListeners("data");
    const line = newline < 0 ? "" : buffered.slice(0, newline);
    const answer =
      newline < 0 ? Promise.resolve(refuse("request too long")) : answerLine(line, tools, logger);
    answer.then((reply) => socket.end(`${JSON.stringify(reply)}\n`));
  });
}

async function answerLine(line: string, tools: AdminTools, logger: Logger): Promise<AdminAnswer> {
  const request = parseAdminRequest(line);
  if (typeof request === "string") return refuse(request);
  try {
    const answer = await perform(request, tools);
    const fields = {
      verb: request.verb,
      target: request.target,
      forMs: request.forMs,
      ok: answer.ok,
    };
    logger.info(fields, "admin command");
    return answer;
  } catch (error) {
    if (error instanceof DenyEntryError) return refuse(error.message);
    // Cluster mode: Redis did not take the change, so no node applies it.
    const reason = error instanceof Error ? error.message : String(error);
    return refuse(`cluster unavailable, nothing changed: ${reason}`);
  }
}

async function perform(
  request: AdminRequest,
  { daemon, moderation, reloader, clusterKick }: AdminTools,
): Promise<AdminAnswer> {
  const target = request.target ?? "";
  switch (request.verb) {
    case "users":
      return {
        ok: true,
        users: daemon
          .members()
          .map(({ name, endpoint }) => ({ name, address: endpoint.address, port: endpoint.port })),
      };
    case "kick": {
      const here = daemon.kick(target);
      // Cluster mode: every node is asked; the one holding the name removes it.
      const nodesAsked = clusterKick === undefined ? 0 : await clusterKick(target);
      if (here || nodesAsked > 0) return { ok: true, kicked: target, here, nodesAsked };
      return refuse(`no user ${JSON.stringify(target)} on this node`);
    }
    case "ban":
      return { ok: true, ban: await moderation.ban(target, request.forMs) };
    case "unban": {
      const outcome = await moderation.unban(target);
      if (outcome === "lifted") return { ok: true, unbanned: target };
      if (outcome === "in-file")
        return refuse(`${target} is in the deny file: remove it there and reload`);
      return refuse(`${target} is not banned`);
    }
    case "bans":
      return { ok: true, bans: moderation.list() };
    case "reload": {
      const report = await reloader.reload("admin");
      const { ok, ...rest } = report;
      return ok ? { ok: true, ...rest } : refuse(report.errors.join("; "));
    }
  }
}

function refuse(error: string): AdminAnswer {
  return { ok: false, error };
}

/** Clears a socket file left by a server that died; refuses a live one or any other file. */
async function removeStale(path: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch {
    return; // nothing there
  }
  if (!isSocket) throw new Error(`${path} exists and is not a socket`);
  const live = await new Promise<boolean>((resolve) => {
    const probe = connect(path);
    probe.once("connect", () => {
      probe.destroy();
      resolve(true);
    });
    probe.once("error", () => resolve(false));
  });
  if (live) throw new Error(`${path} is in use by a running server`);
  unlinkQuietly(path);
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}
