// A program written against the published API of the CHAT UDP libraries. The release check
// runs it with `node consumer.mjs HOST:PORT` in a folder where npm installed the packed
// tarballs and nothing else; it exits 0 when every step worked.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { connect } from "@chat/client";
import { ALL_CHECKS } from "@chat/conformance";
import { decode, encode } from "@chat/protocol";

const [host, portText] = (process.argv[2] ?? "").split(":");
const port = Number(portText);
assert.ok(host && Number.isInteger(port), "usage: node consumer.mjs HOST:PORT");
const require = createRequire(import.meta.url);

// @chat/protocol: a test vector decodes to its packet and encodes back to its bytes.
const vectors = require("@chat/protocol/vectors.json");
const vector = vectors.valid.find((entry) => entry.packet.opcode === vectors.opcodes.REGISTER);
const bytes = Buffer.from(vector.hex, "hex");
assert.deepEqual({ ...decode(bytes) }, vector.packet);
assert.equal(Buffer.from(encode(decode(bytes))).toString("hex"), vector.hex);
console.log(`ok @chat/protocol: vector "${vector.name}" decodes and encodes back`);

// @chat/client: two users register; one's broadcast reaches the other.
const suffix = process.pid.toString(36);
const alice = await connect({ host, port, name: `alice${suffix}` });
const bob = await connect({ host, port, name: `bob${suffix}` });
const heard = new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error("bob heard no broadcast within 10 s")), 10_000);
  bob.on("broadcast", ({ from, message }) => {
    if (from !== `alice${suffix}`) return;
    clearTimeout(timer);
    resolve(message);
  });
});
const sent = await alice.broadcast("hello from an npm install");
assert.equal(sent.status, "delivered");
assert.equal(await heard, "hello from an npm install");
await alice.close();
await bob.close();
console.log("ok @chat/client: registered two users, a broadcast went from one to the other");

// @chat/conformance: its API loads, and its command runs against the server.
assert.ok(ALL_CHECKS.length > 0);
const bin = join("node_modules", ".bin", "chat-conformance");
const report = execFileSync(
  bin,
  ["--target", `${host}:${port}`, "--only", "1", "--timeout", "2000"],
  {
    encoding: "utf8",
  },
);
assert.match(report, /[1-9]\d* passed, 0 failed/);
console.log(`ok @chat/conformance: chat-conformance --only 1: ${report.trim().split("\n").at(-1)}`);

// Every export of every installed @chat package loads.
const scope = join("node_modules", "@chat");
for (const folder of readdirSync(scope)) {
  const manifest = JSON.parse(readFileSync(join(scope, folder, "package.json"), "utf8"));
  for (const subpath of Object.keys(manifest.exports ?? { ".": null })) {
    const specifier = `${manifest.name}${subpath.slice(1)}`;
    if (subpath.endsWith(".json")) require(specifier);
    else await import(specifier);
  }
  console.log(`ok ${manifest.name}: every export loads`);
}
