import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import {
  type Command,
  ConfigError,
  type DaemonConfig,
  type Environment,
  parseCommand,
} from "./config.js";
import { describeUnknown, unknownVariables } from "./env-check.js";
import { EnvFileError, parseEnvFile } from "./env-file.js";
import { redactUrls } from "./redact.js";

/** The systemd credential (LoadCredential=cluster-password:…) the Redis password may come from. */
export const PASSWORD_CREDENTIAL = "cluster-password";

export type LoadedCommand =
  | Exclude<Command, { kind: "run" }>
  | { readonly kind: "run"; readonly config: DaemonConfig; readonly warnings: readonly string[] };

export type ReadText = (path: string) => string;
const readText: ReadText = (path) => readFileSync(path, "utf8");

/**
 * parseCommand plus the files the command line names: the settings file (its CHAT_* lines
 * beside the environment; a flag still wins, the file wins over the environment) and the
 * Redis password file or credential. Run at start and again on every reload; throws
 * ConfigError, so a bad file at a reload keeps the settings in force.
 */
export function loadCommand(
  argv: readonly string[],
  env: Environment,
  version: string,
  read: ReadText = readText,
): LoadedCommand {
  const first = parseCommand(argv, env, version);
  if (first.kind !== "run") return first;
  const warnings: string[] = [];
  let merged = env;
  let config = first.config;
  if (config.envFile !== undefined) {
    const fromFile = readEnvFile(config.envFile, read);
    if ("CHAT_ENV_FILE" in fromFile)
      warnings.push(`${config.envFile}: CHAT_ENV_FILE there is ignored`);
    delete fromFile.CHAT_ENV_FILE;
    merged = { ...env, ...fromFile };
    const second = parseCommand(argv, merged, version);
    if (second.kind !== "run") return second;
    config = { ...second.config, envFile: config.envFile };
  }
  const unknown = unknownVariables(merged).map(describeUnknown);
  if (unknown.length > 0 && config.strictEnv) {
    throw new ConfigError(`${unknown.join("; ")} (--strict-env)`);
  }
  warnings.push(...unknown);
  config = { ...config, nodeName: config.nodeName ?? hostname() };
  return { kind: "run", config: withPassword(config, env, read), warnings };
}

function readEnvFile(path: string, read: ReadText): Record<string, string> {
  let text: string;
  try {
    text = read(path);
  } catch (error) {
    throw new ConfigError(`--env-file: cannot read ${path}: ${reason(error)}`);
  }
  try {
    return parseEnvFile(text, path);
  } catch (error) {
    if (error instanceof EnvFileError) throw new ConfigError(error.message);
    throw error;
  }
}

/** The cluster URL with the password from its file or credential put in. */
function withPassword(config: DaemonConfig, env: Environment, read: ReadText): DaemonConfig {
  const credentials = env.CREDENTIALS_DIRECTORY;
  const credential = credentials === undefined ? undefined : join(credentials, PASSWORD_CREDENTIAL);
  const path =
    config.clusterPasswordFile ??
    (credential !== undefined && readable(credential, read) ? credential : undefined);
  if (path === undefined || config.cluster === undefined) return config;
  const source =
    config.clusterPasswordFile === undefined
      ? `credential ${PASSWORD_CREDENTIAL}`
      : "CHAT_CLUSTER_PASSWORD_FILE";
  let password: string;
  try {
    password = read(path).replace(/\r?\n$/, "");
  } catch (error) {
    throw new ConfigError(`${source}: cannot read ${path}: ${reason(error)}`);
  }
  if (password === "") throw new ConfigError(`${source}: ${path} is empty`);
  if (config.cluster.startsWith("unix://")) {
    throw new ConfigError(`${source}: a password needs a redis:// or rediss:// cluster URL`);
  }
  // A Sentinel URL lists several hosts, which no WHATWG URL holds: its userinfo is the text
  // between the scheme and the first "@" before the path.
  const sentinel = /^(rediss?\+sentinel:\/\/)(?:([^@/]*)@)?(.*)$/.exec(config.cluster);
  if (sentinel !== null) {
    const [, scheme, userinfo, rest] = sentinel as unknown as [
      string,
      string,
      string | undefined,
      string,
    ];
    if (userinfo?.includes(":")) {
      throw new ConfigError(
        `${source}: the cluster URL has a password already; give it in one place`,
      );
    }
    const user = userinfo ?? "";
    return { ...config, cluster: `${scheme}${user}:${encodeURIComponent(password)}@${rest}` };
  }
  let url: URL;
  try {
    url = new URL(config.cluster);
  } catch {
    throw new ConfigError(`--cluster: ${JSON.stringify(redactUrls(config.cluster))} is not a URL`);
  }
  if (url.password !== "") {
    throw new ConfigError(
      `${source}: the cluster URL has a password already; give it in one place`,
    );
  }
  url.password = encodeURIComponent(password);
  return { ...config, cluster: url.toString() };
}

function readable(path: string, read: ReadText): boolean {
  try {
    read(path);
    return true;
  } catch {
    return false;
  }
}

function reason(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") return code;
  return error instanceof Error ? error.message : String(error);
}
