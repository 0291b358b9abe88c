import { execFileSync } from "node:child_process";

/** An installed program's path (`command -v`), or undefined when it is not installed. */
export function findTool(name: string): string | undefined {
  try {
    return (
      execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim() || undefined
    );
  } catch {
    return undefined;
  }
}
