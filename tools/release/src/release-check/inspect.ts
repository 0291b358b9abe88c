import { existsSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, relative } from "node:path";
import { build, type Message } from "esbuild";
import { type Manifest, readManifest } from "./workspace.js";

/*
 * What a published package must be to work where a user installs it, read from the package
 * as packed: no range that only pnpm's workspace understands, no dependency that only the
 * workspace has, every export (and main, types, bin) a file in the package, every file the
 * code imports in the package, and every package it imports among its dependencies.
 */

const DEPENDENCY_FIELDS = [
  "dependencies",
  "peerDependencies",
  "optionalDependencies",
  "devDependencies",
] as const;
const LOCAL_RANGE = /^(workspace|link|file|catalog|portal):/;

/**
 * The problems of the unpacked package at `root`, one sentence each (none: it may ship).
 * `privateNames` are the workspace's packages that are never published.
 */
export async function inspectPackage(
  root: string,
  privateNames: ReadonlySet<string>,
): Promise<string[]> {
  const manifest = readManifest(root);
  const problems = [...rangeProblems(manifest, privateNames)];
  const targets = entryTargets(manifest);
  for (const { field, target } of targets) {
    if (!existsSync(join(root, target))) {
      problems.push(`${field} points at ${target}, which is not in the package`);
    }
  }
  const code = targets
    .map(({ target }) => target)
    .filter((target) => /\.[cm]?js$/.test(target) && existsSync(join(root, target)));
  problems.push(...(await importProblems(root, manifest, [...new Set(code)])));
  return problems.map((problem) => `${manifest.name}: ${problem}`);
}

function* rangeProblems(manifest: Manifest, privateNames: ReadonlySet<string>): Generator<string> {
  for (const field of DEPENDENCY_FIELDS) {
    for (const [name, range] of Object.entries(manifest[field] ?? {})) {
      if (LOCAL_RANGE.test(range)) {
        yield `${field} has ${name}@${range}, a range only the workspace can resolve`;
      } else if (field !== "devDependencies" && privateNames.has(name)) {
        yield `${field} has ${name}, a private workspace package that is never published`;
      }
    }
  }
}

interface Target {
  /** Where the manifest names it: `exports["./cli"].default`, `bin.chat`, `main`. */
  readonly field: string;
  readonly target: string;
}

function entryTargets(manifest: Manifest): Target[] {
  const targets: Target[] = [];
  const walk = (value: unknown, field: string) => {
    if (typeof value === "string") {
      // A subpath pattern ("./dist/*.js") names no one file; its folder must exist.
      targets.push({
        field,
        target: value.includes("*") ? value.slice(0, value.indexOf("*")) : value,
      });
    } else if (Array.isArray(value)) {
      for (const [i, inner] of value.entries()) walk(inner, `${field}[${i}]`);
    } else if (typeof value === "object" && value !== null) {
      for (const [key, inner] of Object.entries(value))
        walk(inner, `${field}[${JSON.stringify(key)}]`);
    }
  };
  walk(manifest.exports, "exports");
  if (manifest.main !== undefined) walk(manifest.main, "main");
  if (manifest.types !== undefined) walk(manifest.types, "types");
  if (manifest.bin !== undefined) walk(manifest.bin, "bin");
  return targets;
}

/*
 * esbuild follows the imports from each entry: a relative import of a file the tarball lacks
 * fails to resolve; every package imported (kept external) must be node's or declared.
 */
async function importProblems(
  root: string,
  manifest: Manifest,
  entries: string[],
): Promise<string[]> {
  if (entries.length === 0) return [];
  const declared = new Set([
    manifest.name,
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
    ...Object.keys(manifest.optionalDependencies ?? {}),
  ]);
  try {
    const result = await build({
      absWorkingDir: root,
      entryPoints: entries.map((entry) => join(root, entry)),
      bundle: true,
      write: false,
      outdir: join(root, ".inspect"),
      platform: "node",
      format: "esm",
      packages: "external",
      metafile: true,
      logLevel: "silent",
    });
    const problems = new Set<string>();
    for (const [file, input] of Object.entries(result.metafile.inputs)) {
      for (const imported of input.imports) {
        if (!imported.external) continue;
        const name = packageName(imported.path);
        if (isBuiltin(imported.path) || declared.has(name)) continue;
        problems.add(
          `${file} imports ${name}, which is not among its dependencies (only the workspace provides it)`,
        );
      }
    }
    return [...problems];
  } catch (error) {
    const errors = (error as { errors?: Message[] }).errors;
    if (!errors) throw error;
    return errors.map((message) => {
      const where = message.location
        ? `${relative(root, join(root, message.location.file))}: `
        : "";
      return `${where}${message.text} (a file missing from the package: check "files")`;
    });
  }
}

function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] as string);
}

function isBuiltin(specifier: string): boolean {
  return (
    specifier.startsWith("node:") || builtinModules.includes(specifier.split("/")[0] as string)
  );
}
