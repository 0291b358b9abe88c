import { readFileSync } from "node:fs";

/**
 * The server's version, read from its package.json (one level above both src/ and dist/),
 * so INFO_RESPONSE, `--version` and the startup line never drift from the release.
 */
export const VERSION: string = readVersion();

function readVersion(): string {
  const text = readFileSync(new URL("../package.json", import.meta.url), "utf8");
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed === "object" && parsed !== null && "version" in parsed) {
    const { version } = parsed;
    if (typeof version === "string") return version;
  }
  throw new Error("apps/server/package.json has no version");
}
