// After `changeset version`: core's CORE_VERSION (the default INFO version; core reads no
// files) follows packages/core/package.json. A test in core checks the two agree.
import { readFileSync, writeFileSync } from "node:fs";

const { version } = JSON.parse(readFileSync("packages/core/package.json", "utf8"));
const file = "packages/core/src/settings.ts";
const source = readFileSync(file, "utf8");
const updated = source.replace(/CORE_VERSION = "[^"]*"/, `CORE_VERSION = "${version}"`);
if (updated !== source) writeFileSync(file, updated);
console.log(`CORE_VERSION = ${version}`);
