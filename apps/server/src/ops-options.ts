import type { OptionSpec } from "./options.js";

/** Operations settings (docs/operations.md): files the daemon reads, the admin socket, naming. */
export type OpsDaemonKey =
  | "envFile"
  | "denyFile"
  | "adminSocket"
  | "nodeName"
  | "strictEnv"
  | "clusterPasswordFile";

export const OPS_OPTIONS: readonly OptionSpec[] = [
  {
    flag: "env-file",
    env: "CHAT_ENV_FILE",
    kind: "path",
    target: { daemon: "envFile" },
    valueName: "path",
    help: "CHAT_* settings file (KEY=value lines), read at start and again on SIGHUP",
  },
  {
    flag: "deny-file",
    env: "CHAT_DENY_FILE",
    kind: "path",
    target: { daemon: "denyFile" },
    valueName: "path",
    help: "banned addresses, CIDRs and name:<name>, one a line; read again on SIGHUP",
  },
  {
    flag: "admin-socket",
    env: "CHAT_ADMIN_SOCKET",
    kind: "path",
    target: { daemon: "adminSocket" },
    valueName: "path",
    help: "unix socket (mode 0600) for chat-admin: users, kick, ban, unban, bans, reload",
  },
  {
    flag: "node-name",
    env: "CHAT_NODE_NAME",
    kind: "node-name",
    target: { daemon: "nodeName" },
    valueName: "name",
    help: "this node's name in logs and metric labels",
  },
  {
    flag: "strict-env",
    env: "CHAT_STRICT_ENV",
    kind: "flag",
    target: { daemon: "strictEnv" },
    help: "an unknown CHAT_* variable is an error (exit 2), not a warning",
  },
  {
    flag: "cluster-password-file",
    env: "CHAT_CLUSTER_PASSWORD_FILE",
    kind: "path",
    target: { daemon: "clusterPasswordFile" },
    valueName: "path",
    help: "cluster mode: the Redis password, read from this file (or the systemd credential cluster-password)",
  },
];
