#!/usr/bin/env node
// Run in a package directory (its `publint` script). The workspace resolves packages to their
// TypeScript source through the `development` export condition (vitest and tsc use it), but
// a bundler in development mode sets that condition too, so the published manifest must not
// carry it: `publishConfig.exports` (which pnpm puts in the tarball instead) has to be
// `exports` without it. Exit 1 when they differ.
import { readFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";

const manifest = JSON.parse(readFileSync("package.json", "utf8"));
const withoutDevelopment = (value) =>
  typeof value !== "object" || value === null
    ? value
    : Object.fromEntries(
        Object.entries(value)
          .filter(([key]) => key !== "development")
          .map(([key, inner]) => [key, withoutDevelopment(inner)]),
      );
const expected = withoutDevelopment(manifest.exports);
const published = manifest.publishConfig?.exports;
if (!isDeepStrictEqual(published, expected)) {
  console.error(`${manifest.name}: publishConfig.exports must be exports without "development":`);
  console.error(JSON.stringify(expected, null, 2));
  process.exit(1);
}
console.log(`${manifest.name}: published exports carry no "development" condition`);
