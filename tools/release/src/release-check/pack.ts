import { execFile } from "node:child_process";
import { mkdirSync } from "node:fs";
import { basename, join } from "node:path";
import { promisify } from "node:util";

const exec = promisify(execFile);

export interface Packed {
  /** The tarball `pnpm pack` wrote. */
  readonly tarball: string;
  /** Its contents, unpacked: the folder holding the published package.json. */
  readonly root: string;
}

/**
 * `pnpm pack` in `dir` (pnpm puts publishConfig in the manifest and turns `workspace:`
 * ranges into versions), the tarball written to `dest` and unpacked beside it.
 */
export async function pack(dir: string, dest: string): Promise<Packed> {
  mkdirSync(dest, { recursive: true });
  const [command, ...prefix] = pnpmCommand();
  const { stdout } = await exec(
    command as string,
    [...prefix, "pack", "--json", "--pack-destination", dest],
    {
      cwd: dir,
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  const { filename } = JSON.parse(stdout) as { filename: string };
  const unpacked = join(dest, basename(filename, ".tgz"));
  mkdirSync(unpacked, { recursive: true });
  await exec("tar", ["-xzf", filename, "-C", unpacked]);
  return { tarball: filename, root: join(unpacked, "package") };
}

// Under `pnpm run` (turbo runs tests that way) pnpm names itself in npm_execpath; CI starts
// pnpm through npx, which need not leave it on the PATH.
function pnpmCommand(): string[] {
  const execPath = process.env.npm_execpath;
  return execPath && /pnpm/.test(execPath) ? [process.execPath, execPath] : ["pnpm"];
}
