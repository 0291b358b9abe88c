import { describe, expect, it } from "vitest";
import { ConfigError } from "./config.js";
import { type LoadedCommand, loadCommand } from "./load-config.js";

/** A fake file system: path -> text; a missing path throws ENOENT as readFileSync does. */
function files(contents: Record<string, string>) {
  return (path: string) => {
    const text = contents[path];
    if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: "ENOENT" });
    return text;
  };
}

function load(argv: string[], env: Record<string, string>, fs: Record<string, string> = {}) {
  const command: LoadedCommand = loadCommand(argv, env, "1.2.3", files(fs));
  if (command.kind !== "run") throw new Error("expected a run command");
  return command;
}

function refusal(argv: string[], env: Record<string, string>, fs: Record<string, string> = {}) {
  try {
    loadCommand(argv, env, "1.2.3", files(fs));
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a refusal");
}

describe("settings file (--env-file)", () => {
  it("reads CHAT_* lines over the environment; a flag still wins", () => {
    const fs = { "/etc/chat.env": "# comment\nexport CHAT_MAX_USERS=5\nCHAT_LOG_LEVEL='warn'\n\n" };
    const { config } = load(
      ["--env-file", "/etc/chat.env", "--port", "7"],
      { CHAT_MAX_USERS: "9", CHAT_PORT: "8" },
      fs,
    );
    expect(config.settings.maxUsers).toBe(5);
    expect(config.logLevel).toBe("warn");
    expect(config.port).toBe(7);
    expect(config.envFile).toBe("/etc/chat.env");
  });

  it("refuses a missing file and a line that is not NAME=value, naming the line", () => {
    expect(refusal(["--env-file", "/nope"], {})).toBe("--env-file: cannot read /nope: ENOENT");
    expect(refusal(["--env-file", "/f"], {}, { "/f": "CHAT_PORT=1\nwhat is this\n" })).toBe(
      "/f line 2: not NAME=value",
    );
  });

  it("refuses a bad value from the file like one from the environment", () => {
    expect(refusal(["--env-file", "/f"], {}, { "/f": "CHAT_PORT=99999\n" })).toContain("CHAT_PORT");
  });
});

describe("unknown CHAT_* variables", () => {
  it("are a warning naming the nearest known one", () => {
    const { warnings } = load([], { CHAT_MAXUSERS: "5", CHAT_ZZZZZZZZZZZZZZZZZZ: "1", HOME: "/" });
    expect(warnings).toEqual([
      "CHAT_MAXUSERS is not a setting (did you mean CHAT_MAX_USERS?)",
      "CHAT_ZZZZZZZZZZZZZZZZZZ is not a setting",
    ]);
  });

  it("are found in the settings file too", () => {
    const { warnings } = load(["--env-file", "/f"], {}, { "/f": "CHAT_LOG_LEVL=debug\n" });
    expect(warnings).toEqual(["CHAT_LOG_LEVL is not a setting (did you mean CHAT_LOG_LEVEL?)"]);
  });

  it("are an error with --strict-env", () => {
    expect(refusal(["--strict-env"], { CHAT_MAXUSERS: "5" })).toBe(
      "CHAT_MAXUSERS is not a setting (did you mean CHAT_MAX_USERS?) (--strict-env)",
    );
  });
});

describe("the Redis password from a file or a systemd credential", () => {
  it("goes into the cluster URL, percent-encoded, without its final newline", () => {
    const { config } = load(
      ["--cluster", "redis://10.0.0.5:6379", "--cluster-password-file", "/run/pw"],
      {},
      { "/run/pw": "s3c%r@t\n" },
    );
    expect(config.cluster).toBe("redis://:s3c%25r%40t@10.0.0.5:6379");
    expect(decodeURIComponent(new URL(config.cluster ?? "").password)).toBe("s3c%r@t");
  });

  it("goes into a Sentinel URL with several hosts, which no WHATWG URL parses", () => {
    const url = "redis+sentinel://chat@10.0.0.5:26379,10.0.0.6:26379/mymaster";
    const { config } = load(
      ["--cluster", url, "--cluster-password-file", "/run/pw"],
      {},
      { "/run/pw": "s3c%r@t\n" },
    );
    expect(config.cluster).toBe(
      "redis+sentinel://chat:s3c%25r%40t@10.0.0.5:26379,10.0.0.6:26379/mymaster",
    );
    const twice = [
      "--cluster",
      "redis+sentinel://:old@h:26379/m",
      "--cluster-password-file",
      "/pw",
    ];
    expect(refusal(twice, {}, { "/pw": "new" })).toContain("has a password already");
  });

  it("comes from $CREDENTIALS_DIRECTORY/cluster-password when no file is named", () => {
    const { config } = load(
      ["--cluster", "redis://chat@h"],
      { CREDENTIALS_DIRECTORY: "/run/cred" },
      {
        "/run/cred/cluster-password": "pw",
      },
    );
    expect(config.cluster).toBe("redis://chat:pw@h");
  });

  it("is refused when the URL has one already, or the file is missing or empty", () => {
    const argv = ["--cluster", "redis://:old@h", "--cluster-password-file", "/pw"];
    expect(refusal(argv, {}, { "/pw": "new" })).toContain("has a password already");
    const missing = ["--cluster", "redis://h", "--cluster-password-file", "/pw"];
    expect(refusal(missing, {})).toBe("CHAT_CLUSTER_PASSWORD_FILE: cannot read /pw: ENOENT");
    expect(refusal(missing, {}, { "/pw": "\n" })).toBe("CHAT_CLUSTER_PASSWORD_FILE: /pw is empty");
  });

  it("never shows a malformed URL's password", () => {
    const message = refusal(["--cluster", "redis://u:s3cret@host:port"], {}, {});
    expect(message).not.toContain("s3cret");
  });
});
