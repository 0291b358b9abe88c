import { describe, expect, it } from "vitest";
import { parseArgs, parseServer, UsageError } from "./args.js";

describe("parseArgs", () => {
  it("defaults to the TUI on 127.0.0.1:9999 with no name", () => {
    expect(parseArgs([])).toEqual({ host: "127.0.0.1", port: 9999, mode: "tui" });
  });

  it("ignores the leading -- that pnpm passes through", () => {
    expect(parseArgs(["--", "--name", "alice"])).toMatchObject({ name: "alice", mode: "tui" });
  });

  it("takes --flag value and --flag=value", () => {
    expect(parseArgs(["--server=example.org:4000", "--name", "bob"])).toMatchObject({
      host: "example.org",
      port: 4000,
      name: "bob",
    });
  });

  it("parses --send with --to as a private message", () => {
    expect(parseArgs(["--name", "bot", "--send", "hi", "--to", "alice"])).toEqual({
      host: "127.0.0.1",
      port: 9999,
      name: "bot",
      mode: "send",
      send: "hi",
      to: "alice",
    });
  });

  it("parses --listen", () => {
    expect(parseArgs(["--name", "bot", "--listen"]).mode).toBe("listen");
  });

  it("parses --help and -h, even beside other flags", () => {
    expect(parseArgs(["--help"]).mode).toBe("help");
    expect(parseArgs(["--name", "x", "-h"]).mode).toBe("help");
  });

  it("takes --keepalive in seconds, decimals allowed", () => {
    expect(parseArgs(["--keepalive", "2"]).keepAliveMs).toBe(2_000);
    expect(parseArgs(["--keepalive=0.5", "--name", "bot", "--listen"])).toMatchObject({
      keepAliveMs: 500,
      mode: "listen",
    });
    expect(parseArgs([]).keepAliveMs).toBeUndefined(); // the SDK's 30 s
  });

  it.each([
    [["--keepalive", "0"], "--keepalive 0: must be a number of seconds from 0.1 to 86400"],
    [["--keepalive=-1"], "--keepalive -1: must be a number of seconds"],
    [["--keepalive", "-1"], 'write a value that starts with "-" as --keepalive=-…'],
    [["--keepalive", "soon"], "--keepalive soon: must be a number of seconds"],
    [["--keepalive", "1e3"], "--keepalive 1e3: must be a number of seconds"],
    [["--keepalive", "90000"], "--keepalive 90000: must be a number of seconds"],
    [["--keepalive"], "--keepalive needs a value"],
    [["--bogus"], "unknown option --bogus"],
    [["stray"], "unexpected argument stray"],
    [["--name"], "--name needs a value"],
    [["--server", "host:abc"], "port must be a number"],
    [["--server", "host:70000"], "port must be a number"],
    [["--name", "has space"], "username is invalid: contains whitespace"],
    [["--send", "hi"], "--send needs --name"],
    [["--listen"], "--listen needs --name"],
    [["--name", "a", "--to", "b"], "--to needs --send"],
    [["--name", "a", "--send", "x", "--listen"], "cannot be used together"],
    [["--name", "a", "--name", "b"], "given twice"],
  ])("refuses %j with a one-line reason", (argv, reason) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(reason);
  });
});

describe("parseArgs with config.json", () => {
  const file = { server: { host: "10.0.0.9", port: 7000 }, name: "kai", keepAliveMs: 5_000 };

  it("takes the server, name and keep-alive from the file when no flag gives them", () => {
    expect(parseArgs([], file)).toEqual({
      host: "10.0.0.9",
      port: 7000,
      name: "kai",
      keepAliveMs: 5_000,
      mode: "tui",
    });
  });

  it("lets every flag win over the file", () => {
    expect(
      parseArgs(["--server", "127.0.0.1:9000", "--name", "zed", "--keepalive", "2"], file),
    ).toEqual({ host: "127.0.0.1", port: 9000, name: "zed", keepAliveMs: 2_000, mode: "tui" });
  });

  it("lets --send run with the file's name", () => {
    expect(parseArgs(["--send", "hi"], file)).toMatchObject({ name: "kai", mode: "send" });
  });
});

describe("parseServer", () => {
  it("parses host:port", () => {
    expect(parseServer("10.0.0.5:1234")).toEqual({ host: "10.0.0.5", port: 1234 });
  });

  it("parses a bracketed IPv6 address with a port", () => {
    expect(parseServer("[::1]:9999")).toEqual({ host: "::1", port: 9999 });
  });

  it("takes the default port when none is given", () => {
    expect(parseServer("chat.lan")).toEqual({ host: "chat.lan", port: 9999 });
    expect(parseServer("[fe80::1]")).toEqual({ host: "fe80::1", port: 9999 });
    expect(parseServer("::1")).toEqual({ host: "::1", port: 9999 });
  });

  it("refuses a missing host", () => {
    expect(() => parseServer(":9999")).toThrow("missing host");
  });
});
