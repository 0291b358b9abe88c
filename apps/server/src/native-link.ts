import { type AddonLoad, BatchSocket } from "@chat/udp-batch";
import { type Link, type LinkHandlers, SOCKET_BUFFER_BYTES } from "./link.js";

/** The addon: recvmmsg batches in, every batch's replies out with sendmmsg. */
export function openNativeLink(
  where: {
    readonly host: string;
    readonly port: number;
    readonly nativeFault?: (port: number, address: string) => Error | undefined;
  },
  handlers: LinkHandlers,
  addon: AddonLoad,
  why: string,
): Link {
  const socket = new BatchSocket({
    host: where.host,
    port: where.port,
    addon,
    onDatagram: handlers.datagram,
    onBatchEnd: handlers.batchEnd,
    onError: handlers.socketError,
    onSendError: handlers.sendError,
    onOverflow: handlers.overflow,
    fault: where.nativeFault,
  });
  try {
    socket.setBufferSizes(SOCKET_BUFFER_BYTES, SOCKET_BUFFER_BYTES);
  } catch {
    // Best effort, as for node:dgram.
  }
  const { sender } = socket;
  return {
    kind: "native",
    why,
    address: socket.address,
    port: socket.port,
    outbound: {
      enqueue: (datagrams) => sender.enqueue(datagrams),
      flush: () => sender.flush(),
      idle: () => sender.idle(),
      get queuedSends() {
        return sender.queuedSends;
      },
      counters: sender.counters,
    },
    close: async () => socket.close(),
  };
}
