// Run by scoped-address.int.test.ts inside a network namespace of its own (unshare -n),
// where this process may give its loopback two link-local addresses: a scoped address
// ("fe80::1%lo") in all three of the addon's address paths (bind and localAddress, a
// received source, a destination given as text). Prints one JSON line of what it saw,
// beside what node:dgram says for the same sockets. argv: the built package's index.js.
import { execFileSync } from "node:child_process";
import { createSocket } from "node:dgram";

const { BatchSocket } = await import(process.argv[2]);

execFileSync("ip", ["link", "set", "lo", "up"]);
for (const address of ["fe80::1/64", "fe80::2/64"]) {
  execFileSync("ip", ["addr", "add", address, "dev", "lo", "nodad"]);
}

const peer = createSocket("udp6");
const peerReceived = [];
let wake = () => {};
peer.on("message", (message) => {
  peerReceived.push(message.toString());
  wake();
});
await new Promise((resolve) => peer.bind(0, "fe80::2%lo", resolve));

const sources = [];
const options = {
  onBatchEnd: () => {},
  onError: () => {},
  onSendError: (error) => peerReceived.push(`error ${error.code}`),
  onOverflow: () => {},
};
const echo = new BatchSocket({
  ...options,
  host: "fe80::1%lo",
  port: 0,
  onDatagram: (bytes, from) => {
    sources.push(from);
    echo.sender.enqueue([{ bytes: Buffer.from(`re:${bytes}`), to: [from] }]);
    echo.sender.flush();
  },
});
const direct = new BatchSocket({ ...options, host: "fe80::1%lo", port: 0, onDatagram: () => {} });

const twin = createSocket("udp6");
await new Promise((resolve) => twin.bind(0, "fe80::1%lo", resolve));

const done = new Promise((resolve) => {
  wake = () => peerReceived.length === 2 && resolve();
});
peer.send("ping", echo.port, "fe80::1%lo");
direct.sender.enqueue([
  { bytes: Buffer.from("direct"), to: [{ address: "fe80::2%lo", port: peer.address().port }] },
]);
direct.sender.flush();
let timer;
await Promise.race([done, new Promise((resolve) => (timer = setTimeout(resolve, 5_000)))]);
clearTimeout(timer);

console.log(
  JSON.stringify({
    local: echo.address,
    dgramLocal: twin.address().address,
    source: sources[0],
    peer: peer.address(),
    received: peerReceived.sort(),
  }),
);
echo.close();
direct.close();
twin.close();
peer.close();
