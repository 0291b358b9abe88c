import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The fuse postject flips in the node binary to say a blob is there (Node's documented value). */
const SEA_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";
const ASSET = "chat.mjs";

/*
 * Node 20 runs a single executable's main script as CommonJS, and the client is an ES
 * module with top-level await. The main script is this loader: it imports the bundled
 * client, carried as an asset, from a data: URL. Such a module can reach only node's own
 * modules, which is all the bundle needs; its `require` is the loader's (see BANNER in
 * bundle.ts).
 */
const LOADER = `
const { getAsset } = require("node:sea");
globalThis.require = require;
import("data:text/javascript;base64," + Buffer.from(getAsset(${JSON.stringify(ASSET)})).toString("base64")).catch((error) => {
  console.error(error);
  process.exit(1);
});
`;

interface PostjectApi {
  inject(
    file: string,
    resource: string,
    data: Buffer,
    options: { sentinelFuse: string; machoSegmentName?: string; overwrite?: boolean },
  ): Promise<void>;
}

/**
 * Writes `output`, a copy of this node binary carrying the bundled client (`clientBundle`):
 * Node's single executable applications, for Linux x64.
 */
export async function buildExecutable(clientBundle: string, output: string): Promise<void> {
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new Error(
      `the single executable is built for Linux x64, this is ${process.platform} ${process.arch}`,
    );
  }
  const work = mkdtempSync(join(tmpdir(), "chat-sea-"));
  try {
    const loader = join(work, "loader.cjs");
    const blob = join(work, "chat.blob");
    writeFileSync(loader, LOADER);
    const config = {
      main: loader,
      output: blob,
      disableExperimentalSEAWarning: true,
      assets: { [ASSET]: clientBundle },
    };
    writeFileSync(join(work, "sea.json"), JSON.stringify(config));
    execFileSync(process.execPath, ["--experimental-sea-config", join(work, "sea.json")], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    copyFileSync(process.execPath, output);
    chmodSync(output, 0o755);
    const postject = createRequire(import.meta.url)("postject") as PostjectApi;
    await quietly(() =>
      postject.inject(output, "NODE_SEA_BLOB", readFileSync(blob), { sentinelFuse: SEA_FUSE }),
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// postject reports its progress on the console ("Injection done!"); a build prints its own.
async function quietly(run: () => Promise<void>): Promise<void> {
  const { log, warn } = console;
  console.log = () => {};
  console.warn = () => {};
  try {
    await run();
  } finally {
    console.log = log;
    console.warn = warn;
  }
}
