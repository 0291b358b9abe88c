import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";

/*
 * Where the client keeps its files, by the XDG Base Directory rules: a variable that is
 * unset, empty or relative is ignored and the default under $HOME is used.
 */

export type Env = Readonly<Record<string, string | undefined>>;

const APP = "chat-udp";

function base(env: Env, variable: string, fallback: string[]): string {
  const value = env[variable];
  if (value && isAbsolute(value)) return join(value, APP);
  return join(env.HOME || homedir(), ...fallback, APP);
}

/** $XDG_CONFIG_HOME/chat-udp: config.json. */
export const configDir = (env: Env) => base(env, "XDG_CONFIG_HOME", [".config"]);
/** $XDG_STATE_HOME/chat-udp: the input history. */
export const stateDir = (env: Env) => base(env, "XDG_STATE_HOME", [".local", "state"]);
/** $XDG_DATA_HOME/chat-udp: conversation logs. */
export const dataDir = (env: Env) => base(env, "XDG_DATA_HOME", [".local", "share"]);
