/**
 * The addon floor: the thinnest CHAT UDP server our native transport allows. The same
 * `BatchSocket` as the daemon's `--transport native` (recvmmsg in, one sendmmsg per batch
 * out), and behind it a few lines of routing with no validation, no limits, no timers and no
 * logging. What it measures is Node.js plus the addon: the wake-up through libuv, one call
 * into JavaScript per batch, the sender's packing. Whatever the daemon takes beyond it is
 * ours (core's rules, the glue); whatever it takes beyond the C server is the runtime's, and
 * no change to the daemon can win that back. A measuring stick, never a server to run.
 *
 * Run as a child process: node addon-floor-server.js --host 127.0.0.1 --port 0
 * Prints one JSON line {"msg":"listening","port":N} like the daemon does.
 */
import { encodeFrame, HEADER_BYTES, Opcode } from "@chat/protocol";
import { BatchSocket, type Endpoint, type Outgoing } from "@chat/udp-batch";

interface User {
  readonly to: readonly Endpoint[];
  readonly name: Uint8Array;
}

const host = argValue("--host") ?? "127.0.0.1";
const port = Number(argValue("--port") ?? "0");

// The daemon's socket buffers, so the two differ in code, not in kernel settings.
const SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;
const byName = new Map<string, User>();
const bySource = new Map<Endpoint, User>();
const everyone: Endpoint[] = [];
const OK = encodeFrame(Opcode.OK, []);
const NAME_WITH_NUL = encodeFrame(Opcode.ERROR, [Buffer.from("username is invalid: contains NUL")]);
const INFO = encodeFrame(Opcode.INFO_RESPONSE, [Buffer.from("addon floor")]);
const out: Outgoing[] = [];

function route(bytes: Buffer, from: Endpoint): void {
  if (bytes.length < HEADER_BYTES) return;
  const data = bytes.subarray(HEADER_BYTES);
  switch (bytes[0]) {
    case Opcode.REGISTER: {
      // As an RFC server does: a NUL is no part of a name. So the bench, which asks for an
      // address-check cookie first (\`name 0x00 cookie\`), falls back to plain REGISTERs here.
      if (data.includes(0)) {
        out.push({ bytes: NAME_WITH_NUL, to: [from] });
        return;
      }
      // The socket hands out one Endpoint object per source, so it can key a Map.
      const user = { to: [from], name: Uint8Array.from(data) };
      if (!bySource.has(from)) everyone.push(from);
      byName.set(data.toString("latin1"), user);
      bySource.set(from, user);
      out.push({ bytes: OK, to: user.to });
      return;
    }
    case Opcode.BROADCAST: {
      const sender = bySource.get(from);
      if (sender === undefined) return;
      out.push({ bytes: encodeFrame(Opcode.BROADCAST_FWD, [sender.name, data]), to: everyone });
      return;
    }
    case Opcode.PRIVATE: {
      const sender = bySource.get(from);
      const nul = data.indexOf(0);
      if (sender === undefined || nul < 0) return;
      const receiver = byName.get(data.toString("latin1", 0, nul));
      if (receiver === undefined) return;
      const forward = encodeFrame(Opcode.PRIVATE_FWD, [sender.name, data.subarray(nul + 1)]);
      out.push({ bytes: forward, to: receiver.to }, { bytes: OK, to: sender.to });
      return;
    }
    case Opcode.LOGOUT:
      out.push({ bytes: OK, to: [from] });
      return;
    case Opcode.INFO_REQUEST:
      out.push({ bytes: INFO, to: [from] });
      return;
    default:
      return;
  }
}

const socket = new BatchSocket({
  host,
  port,
  onDatagram: route,
  onBatchEnd: () => {
    socket.sender.enqueue(out);
    out.length = 0;
    socket.sender.flush();
  },
  onError: (error) => process.stderr.write(`addon floor: ${error.message}\n`),
  onSendError: () => {},
  onOverflow: () => {},
});
socket.setBufferSizes(SOCKET_BUFFER_BYTES, SOCKET_BUFFER_BYTES);
process.stdout.write(`${JSON.stringify({ msg: "listening", port: socket.port })}\n`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    socket.close();
    process.exit(0);
  });
}

function argValue(flag: string): string | undefined {
  const at = process.argv.indexOf(flag);
  return at >= 0 ? process.argv[at + 1] : undefined;
}
