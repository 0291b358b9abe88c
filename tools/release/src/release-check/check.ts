import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT } from "../bundle.js";
import { inspectPackage } from "./inspect.js";
import { type Packed, pack } from "./pack.js";
import { publicPackages, workspacePackages } from "./workspace.js";

const exec = promisify(execFile);

/** The program written against the published API (tools/release/consumer). */
export const CONSUMER = join(REPO_ROOT, "tools", "release", "consumer", "consumer.mjs");

export class ReleaseCheckError extends Error {}

/** The names of the workspace packages that are never published. */
export function privateNames(root = REPO_ROOT): Set<string> {
  return new Set(
    workspacePackages(root)
      .filter(({ manifest }) => manifest.private === true)
      .map(({ manifest }) => manifest.name),
  );
}

/**
 * The release check: packs every public package, inspects each tarball, installs them all
 * with npm into an empty folder and runs the consumer there against the server at
 * `server` (HOST:PORT). Resolves with what the consumer printed; throws a
 * ReleaseCheckError that says what is wrong.
 */
export async function releaseCheck(
  server: string,
): Promise<{ packages: string[]; output: string }> {
  const work = mkdtempSync(join(tmpdir(), "chat-release-"));
  try {
    const packages = publicPackages(REPO_ROOT);
    const packed = await Promise.all(packages.map(({ dir }) => pack(dir, join(work, "packs"))));
    const hidden = privateNames();
    const problems = (
      await Promise.all(packed.map(({ root }) => inspectPackage(root, hidden)))
    ).flat();
    if (problems.length > 0) throw new ReleaseCheckError(problems.join("\n"));
    const consumer = join(work, "consumer");
    await install(
      packages.map(({ manifest }) => manifest.name),
      packed,
      consumer,
    );
    copyFileSync(CONSUMER, join(consumer, "consumer.mjs"));
    const { stdout } = await exec(process.execPath, ["consumer.mjs", server], {
      cwd: consumer,
    }).catch((error: { stdout?: string; stderr?: string; message: string }) => {
      throw new ReleaseCheckError(
        `the consumer failed:\n${error.stdout ?? ""}${error.stderr ?? error.message}`,
      );
    });
    return { packages: packages.map(({ manifest }) => manifest.name), output: stdout };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** `npm install` of the tarballs (third-party dependencies from the registry) into `folder`. */
async function install(names: string[], packed: Packed[], folder: string): Promise<void> {
  const dependencies = Object.fromEntries(
    names.map((name, i) => [name, `file:${packed[i]?.tarball}`]),
  );
  const manifest = { name: "chat-release-consumer", private: true, type: "module", dependencies };
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, "package.json"), JSON.stringify(manifest, null, 2));
  await exec(
    "npm",
    ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"],
    {
      cwd: folder,
    },
  ).catch((error: { stderr?: string; message: string }) => {
    throw new ReleaseCheckError(
      `npm install of the tarballs failed:\n${error.stderr ?? error.message}`,
    );
  });
}
