import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";
import { blessedPlugin } from "./blessed-plugin.js";

/** The monorepo's root (this file is tools/release/src or tools/release/dist). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** What `pnpm dist` writes, all in one folder. */
export const ARTIFACTS = {
  client: "chat.mjs",
  server: "chat-server.mjs",
  conformance: "chat-conformance.mjs",
  addon: "udp_batch.node",
  executable: "chat",
} as const;

/** The built programs (tsc output) each bundle starts from. */
const ENTRIES = {
  client: "apps/cli-client/dist/main.js",
  server: "apps/server/dist/main.js",
  conformance: "packages/conformance/dist/cli.js",
} as const;

/** node-gyp's output, where `pnpm install` builds the addon. */
export const ADDON_BUILD = join(REPO_ROOT, "packages/udp-batch/build/Release/udp_batch.node");

/*
 * An ES module has no `require`; the CommonJS inside (blessed, pino, ioredis) needs one for
 * node's own modules. The single executable runs the client from a data: URL, where
 * createRequire cannot work; its loader hands over its own require instead (sea.ts).
 */
// (Each entry's own "#!/usr/bin/env node" stays the first line.)
const BANNER = [
  'import { createRequire as __chatCreateRequire } from "node:module";',
  "const require = globalThis.require ?? __chatCreateRequire(import.meta.url);",
].join("\n");

export interface BundleReport {
  readonly file: string;
  readonly bytes: number;
}

/**
 * Bundles the three programs into `outDir` and puts the addon beside the server (when
 * `pnpm install` could build it). The workspace must be built first (`pnpm build`).
 */
export async function bundleAll(outDir: string): Promise<BundleReport[]> {
  mkdirSync(outDir, { recursive: true });
  // What an earlier run wrote goes first: a stale addon or executable must not linger.
  for (const file of Object.values(ARTIFACTS)) rmSync(join(outDir, file), { force: true });
  for (const entry of Object.values(ENTRIES)) {
    if (!existsSync(join(REPO_ROOT, entry))) {
      throw new Error(`${entry} is missing: run pnpm build first`);
    }
  }
  await bundle(ENTRIES.client, join(outDir, ARTIFACTS.client), [blessedPlugin()]);
  await bundle(ENTRIES.server, join(outDir, ARTIFACTS.server), [inlinePackageJson()], {
    // packages/udp-batch looks for the addon beside the bundle, not in its build folder.
    CHAT_UDP_BATCH_BESIDE: JSON.stringify(ARTIFACTS.addon),
  });
  await bundle(ENTRIES.conformance, join(outDir, ARTIFACTS.conformance), []);
  if (existsSync(ADDON_BUILD)) copyFileSync(ADDON_BUILD, join(outDir, ARTIFACTS.addon));
  return [ARTIFACTS.client, ARTIFACTS.server, ARTIFACTS.conformance, ARTIFACTS.addon]
    .filter((file) => existsSync(join(outDir, file)))
    .map((file) => ({ file, bytes: readFileSync(join(outDir, file)).byteLength }));
}

async function bundle(
  entry: string,
  outfile: string,
  plugins: Plugin[],
  define: Record<string, string> = {},
): Promise<void> {
  const result = await build({
    entryPoints: [join(REPO_ROOT, entry)],
    outfile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    minifyWhitespace: true,
    minifySyntax: true,
    keepNames: true,
    legalComments: "none",
    banner: { js: BANNER },
    define,
    plugins,
    metafile: true,
    logLevel: "silent",
  });
  const problems = result.warnings.filter((warning) => !isExpected(warning.text));
  if (problems.length > 0) {
    const text = problems.map((w) => `${w.location?.file ?? ""}: ${w.text}`).join("\n");
    throw new Error(`bundling ${entry} warned:\n${text}`);
  }
}

// esbuild's notes on code it keeps as written: a `require` it cannot see through in code
// that never runs in our programs (pino's transports, blessed's unused Terminal widget).
function isExpected(text: string): boolean {
  return /This call to "require" will not be bundled|Indirect calls to "require"/.test(text);
}

/*
 * The server reads its version from its package.json at run time (apps/server/src/version.ts:
 * `new URL("../package.json", import.meta.url)`), a file that is not beside the bundle. The
 * text of that package.json goes into the bundle in place of the read.
 */
function inlinePackageJson(): Plugin {
  const read =
    /readFileSync\(new URL\("(\.\.?\/[^"]*package\.json)", import\.meta\.url\), "utf8"\)/g;
  return {
    name: "inline-package-json",
    setup(build) {
      let inlined = 0;
      build.onLoad({ filter: /[\\/]apps[\\/]server[\\/]dist[\\/].*\.js$/ }, (args) => {
        const source = readFileSync(args.path, "utf8");
        if (!source.includes("package.json")) return undefined;
        const contents = source.replace(read, (_match, path: string) => {
          inlined++;
          return JSON.stringify(readFileSync(new URL(path, `file://${args.path}`), "utf8"));
        });
        return { contents, loader: "js" };
      });
      build.onEnd((result) => {
        if (result.errors.length === 0 && inlined === 0) {
          const where = relative(REPO_ROOT, join(REPO_ROOT, "apps/server/src/version.ts"));
          throw new Error(`no package.json read found to inline: check ${where}`);
        }
      });
    },
  };
}
