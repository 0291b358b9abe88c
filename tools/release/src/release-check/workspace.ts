import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** A package.json as far as publishing reads it. */
export interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  exports?: unknown;
  main?: string;
  types?: string;
  bin?: string | Record<string, string>;
  files?: string[];
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export interface WorkspacePackage {
  readonly dir: string;
  readonly manifest: Manifest;
}

export function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest;
}

/** Every package of the workspace (pnpm-workspace.yaml's `folder/*` entries). */
export function workspacePackages(root: string): WorkspacePackage[] {
  const yaml = readFileSync(join(root, "pnpm-workspace.yaml"), "utf8");
  const folders = [...yaml.matchAll(/^\s*-\s*"?([^"*\s]+)\/\*"?\s*$/gm)].map((m) => m[1] as string);
  return folders.flatMap((folder) =>
    readdirSync(join(root, folder))
      .map((name) => join(root, folder, name))
      .filter((dir) => existsSync(join(dir, "package.json")))
      .map((dir) => ({ dir, manifest: readManifest(dir) })),
  );
}

/** The packages a release publishes: those not marked private. */
export function publicPackages(root: string): WorkspacePackage[] {
  return workspacePackages(root).filter(({ manifest }) => manifest.private !== true);
}
