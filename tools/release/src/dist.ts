#!/usr/bin/env node
import { statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { ARTIFACTS, bundleAll, REPO_ROOT } from "./bundle.js";
import { buildExecutable } from "./sea.js";

/*
 * `pnpm dist [--out DIR] [--no-executable]`: the programs as single files in dist/ (or DIR):
 * chat.mjs, chat-server.mjs with udp_batch.node beside it, chat-conformance.mjs and `chat`,
 * the client as a single executable.
 */
const USAGE = "usage: pnpm dist [--out DIR] [--no-executable]";

function parse(args: string[]): { outDir: string; executable: boolean } {
  let outDir = join(REPO_ROOT, "dist");
  let executable = true;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--no-executable") executable = false;
    else if (arg === "--out" && args[i + 1] !== undefined) outDir = resolve(args[++i] as string);
    else throw new Error(`unknown option ${arg}\n${USAGE}`);
  }
  return { outDir, executable };
}

const megabytes = (bytes: number) => `${(bytes / 1_000_000).toFixed(2)} MB`;

try {
  const { outDir, executable } = parse(process.argv.slice(2));
  const written = await bundleAll(outDir);
  const canBuildExecutable = process.platform === "linux" && process.arch === "x64";
  if (executable && !canBuildExecutable) {
    console.log(`(no ${ARTIFACTS.executable}: the single executable is built on Linux x64 only)`);
  }
  if (executable && canBuildExecutable) {
    const output = join(outDir, ARTIFACTS.executable);
    await buildExecutable(join(outDir, ARTIFACTS.client), output);
    written.push({ file: ARTIFACTS.executable, bytes: statSync(output).size });
  }
  const where = relative(process.cwd(), outDir) || ".";
  for (const { file, bytes } of written) {
    console.log(`${join(where, file).padEnd(32)} ${megabytes(bytes).padStart(10)}`);
  }
  if (!written.some(({ file }) => file === ARTIFACTS.addon)) {
    console.log(`(no ${ARTIFACTS.addon}: the addon was not built; the server will use node:dgram)`);
  }
} catch (error) {
  console.error(`dist: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
