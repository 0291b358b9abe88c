import { createSocket, type Socket } from "node:dgram";
import { isIP } from "node:net";
import { Fanout, ipLiteralLookup, type Transport } from "./fanout.js";
import { type Link, type LinkHandlers, SOCKET_BUFFER_BYTES } from "./link.js";

/** node:dgram: one sendmsg(2) per copy (libuv queues it when the socket is full). */
export async function openDgramLink(
  where: { readonly host: string; readonly port: number },
  handlers: LinkHandlers,
  wrap: ((socket: Socket) => Transport) | undefined,
  why: string,
): Promise<Link> {
  const socket = createSocket({
    type: isIP(where.host) === 6 ? "udp6" : "udp4",
    lookup: ipLiteralLookup,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind({ address: where.host, port: where.port }, () => {
      socket.off("error", reject);
      resolve();
    });
  }).catch((error: unknown) => {
    socket.close();
    throw error;
  });
  const transport: Transport = wrap?.(socket) ?? {
    send: (bytes, port, address, callback) => socket.send(bytes, port, address, callback),
  };
  const fanout = new Fanout(transport, {
    onError: handlers.sendError,
    onOverflow: handlers.overflow,
  });
  try {
    socket.setRecvBufferSize(SOCKET_BUFFER_BYTES);
    socket.setSendBufferSize(SOCKET_BUFFER_BYTES);
  } catch {
    // Best effort: the OS caps them (net.core.rmem_max / wmem_max).
  }
  // Each datagram is its own batch: a small fan-out has already left inside enqueue().
  socket.on("message", handlers.datagram);
  socket.on("error", handlers.socketError);
  const { address, port } = socket.address();
  return {
    kind: "dgram",
    why,
    address,
    port,
    outbound: {
      enqueue: (datagrams) => fanout.enqueue(datagrams),
      flush: () => {},
      idle: () => fanout.idle(),
      get queuedSends() {
        return fanout.queuedSends;
      },
      counters: fanout.counters,
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
