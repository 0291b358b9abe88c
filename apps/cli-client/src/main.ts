#!/usr/bin/env node
import { sanitizeLine } from "@chat/client/cli";
import { type Options, parseArgs, USAGE, UsageError } from "./args.js";
import { readConfig } from "./files/config.js";
import { runListen, runSend } from "./script-mode.js";
import { runTui } from "./tui.js";

// A bad config.json is reported and the client starts without what it got wrong.
const loaded = readConfig(process.env);

function parse(): Options {
  try {
    return parseArgs(process.argv.slice(2), loaded.config);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`chat: ${sanitizeLine(error.message)}\n`);
    process.exit(2);
  }
}

/** Exits once stdout has taken everything written (a pipe may still be draining). */
function exitWith(code: number): void {
  process.stdout.write("", () => process.exit(code));
}

const options = parse();
const io = { stdout: process.stdout, stderr: process.stderr };
if (options.mode !== "tui") {
  for (const problem of loaded.problems) process.stderr.write(`chat: ${sanitizeLine(problem)}\n`);
}
switch (options.mode) {
  case "help":
    process.stdout.write(`${USAGE}\n`);
    break;
  case "send":
    exitWith(await runSend(options, io));
    break;
  case "listen":
    exitWith(await runListen(options, io));
    break;
  case "tui":
    if (!process.stdin.isTTY || !process.stdout.isTTY) {
      process.stderr.write(
        "chat: the chat screen needs a terminal; scripts can use --send or --listen\n",
      );
      process.exit(2);
    }
    await runTui(options, loaded);
    break;
}
