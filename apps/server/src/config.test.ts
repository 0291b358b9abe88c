import { DEFAULTS } from "@chat/protocol";
import { describe, expect, it } from "vitest";
import { parseCommand } from "./config.js";
import { OPTIONS } from "./options.js";
import { failure, run } from "./test-support/config.js";

describe("parseCommand defaults", () => {
  it("listens on 0.0.0.0:9999 with the protocol defaults when given nothing", () => {
    const config = run([]);
    expect(config.host).toBe("0.0.0.0");
    expect(config.port).toBe(9999);
    expect(config.logLevel).toBe("info");
    expect(config.pretty).toBeUndefined();
    expect(config.statsIntervalMs).toBe(60_000);
    expect(config.settings.userTimeoutMs).toBe(DEFAULTS.userTimeoutMs);
    expect(config.settings.listIntervalMs).toBe(DEFAULTS.listIntervalMs);
    expect(config.settings.maxUsers).toBe(DEFAULTS.maxUsers);
    expect(config.settings.rateLimit).toBe(true);
    expect(config.settings.exemptNetworks).toEqual(DEFAULTS.exemptNetworks);
  });

  it("reports the server's own version to the core", () => {
    expect(run([]).settings.version).toBe("1.2.3");
  });

  it("ignores the leading -- that pnpm passes through", () => {
    expect(run(["--", "--port", "4000"]).port).toBe(4000);
  });
});

describe("parseCommand flags", () => {
  it("reads every documented flag", () => {
    const config = run([
      "--host",
      "::",
      "--port",
      "0",
      "--list-interval",
      "2.5",
      "--user-timeout",
      "10",
      "--max-users",
      "50",
      "--max-users-per-ip",
      "3",
      "--exempt-networks",
      "10.0.0.0/8, fd00::/8",
      "--max-message",
      "2048",
      "--no-rate-limit",
      "--log-level",
      "debug",
      "--pretty",
      "--stats-interval",
      "0.5",
      "--server-name",
      "lan-chat",
    ]);
    expect(config).toMatchObject({
      host: "::",
      port: 0,
      logLevel: "debug",
      pretty: true,
      statsIntervalMs: 500,
    });
    expect(config.settings).toMatchObject({
      listIntervalMs: 2500,
      userTimeoutMs: 10_000,
      maxUsers: 50,
      maxUsersPerIp: 3,
      exemptNetworks: ["10.0.0.0/8", "fd00::/8"],
      maxMessageBytes: 2048,
      rateLimit: false,
      serverName: "lan-chat",
    });
  });

  it("reads --address-check (revision 3) into core's addressCheck, auto by default", () => {
    expect(run([]).settings.addressCheck).toBe("auto");
    expect(run(["--address-check", "always"]).settings.addressCheck).toBe("always");
    expect(run([], { CHAT_ADDRESS_CHECK: "off" }).settings.addressCheck).toBe("off");
    expect(failure(["--address-check", "sometimes"])).toMatch(/^--address-check[ :]/);
  });

  it("takes an empty --exempt-networks as no exemption at all", () => {
    expect(run(["--exempt-networks", ""]).settings.exemptNetworks).toEqual([]);
  });

  it("turns timers off with 0 seconds", () => {
    const config = run(["--list-interval", "0", "--user-timeout", "0", "--stats-interval", "0"]);
    expect(config.settings.listIntervalMs).toBe(0);
    expect(config.settings.userTimeoutMs).toBe(0);
    expect(config.statsIntervalMs).toBe(0);
  });

  it("answers --help with every flag, its variable and its default", () => {
    const command = parseCommand(["--help"], {}, "1.2.3");
    expect(command.kind).toBe("help");
    const text = command.kind === "help" ? command.text : "";
    for (const spec of OPTIONS) {
      expect(text).toContain(`--${spec.flag}`);
      expect(text).toContain(spec.env);
    }
    expect(text).toContain("CHAT_PORT, default 9999");
    expect(text).toContain("CHAT_USER_TIMEOUT, default 90");
    expect(text).toContain("CHAT_EXEMPT_NETWORKS, default 127.0.0.0/8,::1/128");
  });

  it("answers --version and -v with the version", () => {
    expect(parseCommand(["--version"], {}, "1.2.3")).toEqual({
      kind: "version",
      text: "chat-server 1.2.3\n",
    });
    expect(parseCommand(["-v"], {}, "1.2.3").kind).toBe("version");
  });
});

describe("parseCommand environment", () => {
  it("reads the CHAT_* variables", () => {
    const config = run([], {
      CHAT_HOST: "127.0.0.1",
      CHAT_PORT: "7000",
      CHAT_LIST_INTERVAL: "5",
      CHAT_USER_TIMEOUT: "20",
      CHAT_MAX_USERS: "9",
      CHAT_MAX_USERS_PER_IP: "2",
      CHAT_EXEMPT_NETWORKS: "192.168.0.0/16",
      CHAT_MAX_MESSAGE: "100",
      CHAT_RATE_LIMIT: "0",
      CHAT_LOG_LEVEL: "warn",
      CHAT_PRETTY: "false",
      CHAT_STATS_INTERVAL: "30",
    });
    expect(config).toMatchObject({
      host: "127.0.0.1",
      port: 7000,
      logLevel: "warn",
      pretty: false,
      statsIntervalMs: 30_000,
    });
    expect(config.settings).toMatchObject({
      listIntervalMs: 5000,
      userTimeoutMs: 20_000,
      maxUsers: 9,
      maxUsersPerIp: 2,
      exemptNetworks: ["192.168.0.0/16"],
      maxMessageBytes: 100,
      rateLimit: false,
    });
  });

  it("lets a flag win over its variable", () => {
    const config = run(["--port", "5000", "--max-users", "7"], {
      CHAT_PORT: "6000",
      CHAT_MAX_USERS: "8",
      CHAT_USER_TIMEOUT: "12",
    });
    expect(config.port).toBe(5000);
    expect(config.settings.maxUsers).toBe(7);
    expect(config.settings.userTimeoutMs).toBe(12_000);
  });

  it("keeps rate limits on for CHAT_RATE_LIMIT=1 and off for false", () => {
    expect(run([], { CHAT_RATE_LIMIT: "1" }).settings.rateLimit).toBe(true);
    expect(run([], { CHAT_RATE_LIMIT: "false" }).settings.rateLimit).toBe(false);
    expect(run(["--no-rate-limit"], { CHAT_RATE_LIMIT: "1" }).settings.rateLimit).toBe(false);
  });

  it("treats an empty variable as unset, except the exempt list", () => {
    expect(run([], { CHAT_PORT: "" }).port).toBe(9999);
    expect(run([], { CHAT_EXEMPT_NETWORKS: "" }).settings.exemptNetworks).toEqual([]);
  });

  it("serves metrics only when --metrics or CHAT_METRICS names an address", () => {
    expect(run([]).metrics).toBeUndefined();
    expect(run(["--metrics", "127.0.0.1:9464"]).metrics).toEqual({ host: "127.0.0.1", port: 9464 });
    expect(run(["--metrics", "[::1]:0"]).metrics).toEqual({ host: "::1", port: 0 });
    expect(run([], { CHAT_METRICS: "0.0.0.0:9100" }).metrics).toEqual({
      host: "0.0.0.0",
      port: 9100,
    });
    expect(run(["--metrics", "off"], { CHAT_METRICS: "0.0.0.0:9100" }).metrics).toBeUndefined();
    expect(run([], { CHAT_METRICS: "" }).metrics).toBeUndefined();
  });

  it("ignores variables it does not know", () => {
    expect(run([], { CHAT_SOMETHING_ELSE: "x", PATH: "/bin" }).port).toBe(9999);
  });
});

describe("parseCommand refusals (one line each)", () => {
  it("refuses an unknown flag", () => {
    expect(failure(["--colour"])).toBe("unknown option --colour (see --help)");
  });

  it("refuses a flag given twice rather than guess which one was meant", () => {
    expect(failure(["--port", "1", "--port", "2"])).toBe("--port given twice");
  });

  it("refuses a positional argument", () => {
    expect(failure(["9999"])).toContain("unexpected argument");
  });

  it("refuses a flag without its value", () => {
    expect(failure(["--port"])).toBe("--port needs a value");
  });

  it("refuses a value on a switch", () => {
    expect(failure(["--no-rate-limit=yes"])).toBe("--no-rate-limit takes no value");
  });

  it.each([
    [["--port", "abc"], "--port"],
    [["--port", "65536"], "--port"],
    [["--port", "-1"], "--port"],
    [["--port", ""], "--port"],
    [["--max-users", "1.5"], "--max-users"],
    [["--max-users", "0"], "--max-users"],
    [["--max-users-per-ip", "0"], "--max-users-per-ip"],
    [["--user-timeout", "ten"], "--user-timeout"],
    [["--list-interval", "-5"], "--list-interval"],
    [["--stats-interval", "99999999"], "--stats-interval"],
    [["--max-message", "70000"], "--max-message"],
    [["--max-message", "0"], "--max-message"],
    [["--host", "not-an-ip"], "--host"],
    [["--log-level", "verbose"], "--log-level"],
    [["--exempt-networks", "10.0.0.0/33"], "--exempt-networks"],
    [["--exempt-networks", "banana"], "--exempt-networks"],
    [["--packets-per-second", "0"], "--packets-per-second"],
    [["--metrics", "9464"], "--metrics"],
    [["--metrics", "localhost:9464"], "--metrics"],
    [["--metrics", "::1:9464"], "--metrics"],
    [["--metrics", "127.0.0.1:65536"], "--metrics"],
  ])("refuses %j, naming %s", (argv, flag) => {
    expect(failure(argv)).toMatch(new RegExp(`^${flag}[ :]`));
  });

  it("names the variable when the bad value came from the environment", () => {
    expect(failure([], { CHAT_PORT: "http" })).toMatch(/^CHAT_PORT: /);
    expect(failure([], { CHAT_MAX_USERS: "0" })).toMatch(/^CHAT_MAX_USERS: /);
    expect(failure([], { CHAT_RATE_LIMIT: "maybe" })).toMatch(/^CHAT_RATE_LIMIT: /);
    expect(failure([], { CHAT_EXEMPT_NETWORKS: "1.2.3.4/40" })).toMatch(/^CHAT_EXEMPT_NETWORKS: /);
  });

  it("does not blame the variable when the flag overrode it", () => {
    expect(run(["--port", "1"], { CHAT_PORT: "bad" }).port).toBe(1);
  });
});
