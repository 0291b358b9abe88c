// Run by full-send-buffer.int.test.ts inside a network namespace of its own (unshare -n),
// where this process may slow its own loopback down: a token-bucket qdisc holds sent
// datagrams, still charged to the sender's small SO_SNDBUF, so sendmmsg meets a full
// buffer (EAGAIN) as it would on a saturated link. Prints one JSON line of what happened.
// argv: the built package's index.js, then the datagram count and size.
import { execFileSync } from "node:child_process";
import { createSocket } from "node:dgram";

const { BatchSocket } = await import(process.argv[2]);
const count = Number(process.argv[3]);
const size = Number(process.argv[4]);

execFileSync("ip", ["link", "set", "lo", "up"]);
execFileSync("tc", [
  ...["qdisc", "add", "dev", "lo", "root", "tbf"],
  ...["rate", "4mbit", "burst", "8kb", "limit", "4mb"],
]);

const receiver = createSocket("udp4");
const order = [];
receiver.on("message", (message) => order.push(message.readUInt32BE(0)));
await new Promise((resolve) => receiver.bind(0, "127.0.0.1", resolve));

const errors = [];
const socket = new BatchSocket({
  host: "127.0.0.1",
  port: 0,
  onDatagram: () => {},
  onBatchEnd: () => {},
  onError: (error) => errors.push(`socket ${error.code}`),
  onSendError: (error) => errors.push(error.code),
  onOverflow: () => errors.push("queue full"),
});
socket.setBufferSizes(0, 8192);

const to = [{ address: "127.0.0.1", port: receiver.address().port }];
for (let i = 0; i < count; i++) {
  const bytes = Buffer.alloc(size);
  bytes.writeUInt32BE(i, 0);
  socket.sender.enqueue([{ bytes, to }]);
}
socket.sender.flush();
const queuedAfterFirstFlush = socket.sender.queuedSends;
await socket.sender.idle();

const deadline = Date.now() + 20_000;
while (order.length < count && Date.now() < deadline) {
  await new Promise((resolve) => setTimeout(resolve, 10));
}
console.log(
  JSON.stringify({
    queuedAfterFirstFlush,
    received: order.length,
    inOrder: order.every((value, index) => value === index),
    counters: socket.sender.counters,
    errors,
  }),
);
socket.close();
receiver.close();
