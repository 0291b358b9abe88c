#!/usr/bin/env node
// Times nothing itself: it is the command a timer runs to measure how long a server takes
// from launch to its first answer. `node start-to-answer.mjs SERVER.js|.mjs` starts that
// server on 127.0.0.1 (port 0), sends INFO_REQUEST once it logs "listening", and exits 0
// when the INFO_RESPONSE arrives (1 on anything else), stopping the server.
import { spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { createInterface } from "node:readline";

const INFO_REQUEST = Buffer.from([40, 0, 0]); // opcode 40, no data
const INFO_RESPONSE = 41;

const server = spawn(process.execPath, [process.argv[2], "--host", "127.0.0.1", "--port", "0"], {
  stdio: ["ignore", "pipe", "inherit"],
});
const fail = (why) => {
  console.error(`start-to-answer: ${why}`);
  server.kill("SIGKILL");
  process.exit(1);
};
const timer = setTimeout(() => fail("no answer within 10 s"), 10_000);
server.once("exit", (code) => fail(`the server exited (${code}) before answering`));

createInterface({ input: server.stdout }).on("line", (text) => {
  if (!text.includes('"msg":"listening"')) return;
  const { port } = JSON.parse(text);
  const socket = createSocket("udp4");
  socket.on("message", (reply) => {
    if (reply[0] !== INFO_RESPONSE) return;
    clearTimeout(timer);
    server.removeAllListeners("exit");
    server.kill("SIGKILL");
    socket.close();
  });
  socket.send(INFO_REQUEST, port, "127.0.0.1");
});
