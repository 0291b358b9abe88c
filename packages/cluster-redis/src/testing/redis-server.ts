import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A redis-server of the caller's own (a test file, a bench run): Debian's package on PATH,
 * a free loopback port, a temp dir, no persistence. Never a system instance.
 */
export interface TestRedis {
  readonly port: number;
  readonly url: string;
  /** The same server on a unix socket in its temp dir: `unix:///…/redis.sock`. */
  readonly socketUrl: string;
  /** Stops it (SIGKILL: as abrupt as a crash); the port stays reserved for `restart`. */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
  stop(): Promise<void>;
  /** Calls per command since start (`INFO commandstats`), e.g. { evalsha: 12, publish: 12 }. */
  commandStats(): Promise<Record<string, number>>;
  /** `CONFIG SET name value`; rejects with Redis's error. */
  configSet(name: string, value: string): Promise<void>;
  /** `CLIENT PAUSE ms ALL`: Redis runs no client's command for that long. */
  pause(ms: number): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A redis-server on `port` with its files in `dir`; `extra` arguments go last. */
export function launch(
  port: number,
  dir: string,
  extra: readonly string[] = [],
): Promise<ChildProcess> {
  const socket = join(dir, `redis-${port}.sock`);
  return spawnRedis(
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      dir,
      "--save",
      "",
      "--appendonly",
      "no",
      "--daemonize",
      "no",
      "--unixsocket",
      socket,
      "--unixsocketperm",
      "700",
      "--loglevel",
      "notice",
      ...extra,
    ],
    "Ready to accept connections",
  );
}

/** Spawns redis-server with `args`; resolves once its output has shown `ready`. */
export function spawnRedis(args: readonly string[], ready: string): Promise<ChildProcess> {
  const child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`redis-server did not start: ${seen}`));
    }, 10_000);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (!seen.includes(ready)) return;
      clearTimeout(timer);
      resolve(child);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
    });
    child.once("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        error.code === "ENOENT"
          ? new Error(
              "redis-server not found: install Redis 7 (Debian: apt-get install redis-server)",
            )
          : error,
      );
    });
  });
}

/**
 * Starts a redis-server and resolves once it accepts connections. `bind`: the addresses it
 * listens on (default 127.0.0.1), e.g. also one on a veth a test made.
 */
export async function startRedis(options: { bind?: readonly string[] } = {}): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), "chat-redis-"));
  const port = await freePort();
  // Beyond loopback (a veth into a namespace the test made, reachable from nowhere else)
  // Redis's protected mode would refuse the clients, as no password is set.
  const extra =
    options.bind === undefined ? [] : ["--bind", ...options.bind, "--protected-mode", "no"];
  let child: ChildProcess | undefined = await launch(port, dir, extra);
  const kill = async () => {
    const dying = child;
    child = undefined;
    if (dying === undefined || dying.exitCode !== null) return;
    const exited = new Promise((resolve) => dying.once("exit", resolve));
    dying.kill("SIGKILL");
    await exited;
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    socketUrl: `unix://${join(dir, `redis-${port}.sock`)}`,
    kill,
    restart: async () => {
      await kill();
      child = await launch(port, dir, extra);
    },
    stop: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
    commandStats: () => commandStats(port),
    configSet: async (name, value) => {
      const reply = await call(port, ["CONFIG", "SET", name, value]);
      if (!reply.startsWith("+OK")) throw new Error(`CONFIG SET ${name}: ${reply.trim()}`);
    },
    pause: async (ms) => {
      const reply = await call(port, ["CLIENT", "PAUSE", String(ms), "ALL"]);
      if (!reply.startsWith("+OK")) throw new Error(`CLIENT PAUSE: ${reply.trim()}`);
    },
  };
}

/** One command as a RESP array; resolves with the raw reply once a whole one is in. */
export function call(port: number, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let reply = "";
    socket.setEncoding("utf8");
    socket.on("error", reject);
    socket.on("data", (chunk: string) => {
      reply += chunk;
      if (!reply.includes("\r\n")) return;
      if (reply.startsWith("$")) {
        const header = /^\$(-?\d+)\r\n/.exec(reply);
        if (header === null) return;
        const length = Number(header[1]);
        if (length >= 0 && Buffer.byteLength(reply) < header[0].length + length + 2) return;
      }
      socket.end();
      resolve(reply);
    });
    const encoded = args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("");
    socket.write(`*${args.length}\r\n${encoded}`);
  });
}

async function commandStats(port: number): Promise<Record<string, number>> {
  const text = await call(port, ["INFO", "commandstats"]);
  const calls: Record<string, number> = {};
  for (const match of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    calls[match[1] as string] = Number(match[2]);
  }
  return calls;
}
