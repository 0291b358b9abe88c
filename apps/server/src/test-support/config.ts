import { expect } from "vitest";
import { ConfigError, type DaemonConfig, parseCommand } from "../config.js";

/** The daemon's configuration for these flags and variables (version "1.2.3"). */
export function run(argv: string[], env: Record<string, string> = {}): DaemonConfig {
  const command = parseCommand(argv, env, "1.2.3");
  if (command.kind !== "run") throw new Error(`expected a run command, got ${command.kind}`);
  return command.config;
}

/** The one-line ConfigError these flags and variables are refused with. */
export function failure(argv: string[], env: Record<string, string> = {}): string {
  try {
    parseCommand(argv, env, "1.2.3");
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).not.toContain("\n");
    return message;
  }
  throw new Error(`expected ${JSON.stringify(argv)} to be refused`);
}
