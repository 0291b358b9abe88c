import { ChatSocket } from "@chat/client";
import type { ServerPacket } from "@chat/protocol";
import { type DaemonHandle, startDaemon } from "@chat/testkit";

/** A real server process, a node of the cluster on `url`. */
export function startNode(url: string, extra: readonly string[] = []): Promise<DaemonHandle> {
  return startDaemon({ args: ["--cluster", url, "--log-level", "info", ...extra] });
}

/** A UDP client of one node. */
export async function clientOf(node: DaemonHandle): Promise<ChatSocket> {
  return ChatSocket.open({ host: node.host, port: node.port });
}

/** Sends and waits for the next packet the predicate accepts (default: any). */
export async function ask(
  socket: ChatSocket,
  packet: Parameters<ChatSocket["send"]>[0],
  accept: (p: ServerPacket) => boolean = () => true,
  timeoutMs = 3000,
): Promise<ServerPacket | undefined> {
  socket.send(packet);
  return socket.next(accept, timeoutMs);
}

/** The names a LIST_REQUEST gets from this client's node. */
export async function listOf(socket: ChatSocket): Promise<string[] | undefined> {
  const reply = await ask(socket, { opcode: 42 }, (p) => p.opcode === 43);
  return reply?.opcode === 43 ? [...reply.names] : undefined;
}

/** Polls `check` until it holds (never a fixed sleep); fails after `ms`. */
export async function eventually(
  check: () => Promise<boolean>,
  ms: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
