/**
 * Writes packages/protocol/vectors/vectors.json from the table:
 * `pnpm --filter @chat/protocol vectors`. Runs from dist/vectors/ after a build.
 */
import { writeFileSync } from "node:fs";
import { serializeVectors, VECTORS_FILE } from "./build.js";

writeFileSync(VECTORS_FILE, serializeVectors());
console.log(`wrote ${VECTORS_FILE}`);
