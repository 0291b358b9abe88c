#!/usr/bin/env node
// Builds the addon with node-gyp against the Node headers on this machine. Never fails the
// install: without a compiler, Python or Linux the daemon runs on node:dgram instead, and
// says so when it starts. `--strict` (`pnpm --filter @chat/udp-batch build:native`) or
// CHAT_UDP_BATCH_REQUIRED=1 (CI) exits non-zero on failure instead.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// CI sets CHAT_UDP_BATCH_REQUIRED=1: there a failed build must fail the install.
const strict = process.argv.includes("--strict") || process.env.CHAT_UDP_BATCH_REQUIRED === "1";

function say(text) {
  process.stderr.write(`@chat/udp-batch: ${text}\n`);
}

function done(ok, why) {
  if (ok) return;
  say(`native addon not built (${why}); the server will use node:dgram.`);
  process.exit(strict ? 1 : 0);
}

if (process.platform !== "linux")
  done(false, `recvmmsg/sendmmsg need Linux, not ${process.platform}`);
if (process.env.CHAT_UDP_BATCH_SKIP_BUILD === "1") done(false, "CHAT_UDP_BATCH_SKIP_BUILD=1");

/** node-gyp: the one pnpm or npm runs scripts with, else the one bundled with npm. */
function findNodeGyp() {
  const candidates = [process.env.npm_config_node_gyp];
  const npmRoots = [join(dirname(process.execPath), "..", "lib", "node_modules")];
  for (const root of npmRoots) {
    candidates.push(join(root, "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"));
    candidates.push(join(root, "pnpm", "dist", "node_modules", "node-gyp", "bin", "node-gyp.js"));
  }
  try {
    candidates.push(createRequire(import.meta.url).resolve("node-gyp/bin/node-gyp.js"));
  } catch {}
  return candidates.find((path) => path !== undefined && path !== "" && existsSync(path));
}

/** Node's own headers; node-gyp cannot download them here. */
function findNodeDir() {
  const configured = process.env.npm_config_nodedir;
  const candidates = [configured, join(dirname(process.execPath), ".."), "/usr/local", "/usr"];
  return candidates.find(
    (dir) =>
      dir !== undefined && dir !== "" && existsSync(join(dir, "include", "node", "node_api.h")),
  );
}

const gyp = findNodeGyp();
if (gyp === undefined) done(false, "node-gyp not found");
const nodedir = findNodeDir();
if (nodedir === undefined) done(false, "Node's headers (include/node/node_api.h) not found");

const args = [gyp, "rebuild", `--nodedir=${nodedir}`];
const result = spawnSync(process.execPath, args, {
  cwd: root,
  stdio: ["ignore", "pipe", "pipe"],
  encoding: "utf8",
});
if (result.status !== 0) {
  const lines = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim().split("\n");
  for (const line of lines.slice(-15)) say(`  ${line}`);
  done(false, result.error ? result.error.message : `node-gyp exited ${result.status}`);
}
say(`native addon built (node-gyp, headers from ${nodedir}).`);
