/**
 * The baseline: the thinnest CHAT UDP server plain node:dgram allows. REGISTER, BROADCAST
 * and PRIVATE only; no validation, no limits, no logging, no timers; a broadcast is encoded
 * once and the same bytes sent to every user. It shows what the machine and Node's dgram
 * can do, so the real daemon's figures can be read as a ratio to it. It asks for the same
 * 4 MiB socket buffers as the daemon, so the two differ in code, not in kernel settings.
 *
 * Run as a child process: node baseline-server.js --host 127.0.0.1 --port 0
 * Prints one JSON line {"msg":"listening","port":N} like the daemon does.
 */
import { createSocket } from "node:dgram";
import { encodeFrame, HEADER_BYTES, Opcode } from "@chat/protocol";

interface User {
  readonly address: string;
  readonly port: number;
  readonly name: Buffer;
}

const host = argValue("--host") ?? "127.0.0.1";
const port = Number(argValue("--port") ?? "0");

const SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;
const socket = createSocket({
  type: "udp4",
  recvBufferSize: SOCKET_BUFFER_BYTES,
  sendBufferSize: SOCKET_BUFFER_BYTES,
});
const byName = new Map<string, User>();
const byEndpoint = new Map<string, User>();
const OK = encodeFrame(Opcode.OK, []);
const NAME_WITH_NUL = encodeFrame(Opcode.ERROR, [Buffer.from("username is invalid: contains NUL")]);

socket.on("message", (bytes, from) => {
  if (bytes.length < HEADER_BYTES) return;
  const key = `${from.address}:${from.port}`;
  switch (bytes[0]) {
    case Opcode.REGISTER: {
      // As an RFC server does: a NUL is no part of a name. So the bench, which asks for an
      // address-check cookie first (\`name 0x00 cookie\`), falls back to plain REGISTERs here.
      if (bytes.subarray(HEADER_BYTES).includes(0)) {
        socket.send(NAME_WITH_NUL, from.port, from.address);
        return;
      }
      const name = Buffer.from(bytes.subarray(HEADER_BYTES));
      const user = { address: from.address, port: from.port, name };
      byName.set(name.toString("latin1"), user);
      byEndpoint.set(key, user);
      socket.send(OK, from.port, from.address);
      return;
    }
    case Opcode.BROADCAST: {
      const sender = byEndpoint.get(key);
      if (!sender) return;
      const out = encodeFrame(Opcode.BROADCAST_FWD, [sender.name, bytes.subarray(HEADER_BYTES)]);
      for (const user of byName.values()) socket.send(out, user.port, user.address);
      return;
    }
    case Opcode.PRIVATE: {
      const sender = byEndpoint.get(key);
      if (!sender) return;
      const data = bytes.subarray(HEADER_BYTES);
      const nul = data.indexOf(0);
      if (nul < 0) return;
      const receiver = byName.get(data.toString("latin1", 0, nul));
      if (!receiver) return;
      const out = encodeFrame(Opcode.PRIVATE_FWD, [sender.name, data.subarray(nul + 1)]);
      socket.send(out, receiver.port, receiver.address);
      socket.send(OK, from.port, from.address);
      return;
    }
    default:
      return;
  }
});

socket.bind(port, host, () => {
  process.stdout.write(`${JSON.stringify({ msg: "listening", port: socket.address().port })}\n`);
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => socket.close(() => process.exit(0)));
}

function argValue(flag: string): string | undefined {
  const at = process.argv.indexOf(flag);
  return at >= 0 ? process.argv[at + 1] : undefined;
}
