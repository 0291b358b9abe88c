#!/usr/bin/env node
import { startDaemon } from "@chat/testkit";
import { ReleaseCheckError, releaseCheck } from "./release-check/check.js";

/*
 * `pnpm release-check`: the libraries as a user installs them (see release-check/check.ts),
 * against the workspace's daemon on 127.0.0.1. Needs `pnpm build` first.
 */
const daemon = await startDaemon();
try {
  const { packages, output } = await releaseCheck(`${daemon.host}:${daemon.port}`);
  process.stdout.write(output);
  console.log(`release check passed: ${packages.join(", ")}`);
} catch (error) {
  if (!(error instanceof ReleaseCheckError)) throw error;
  console.error(`release check failed:\n${error.message}`);
  process.exitCode = 1;
} finally {
  await daemon.stop();
}
