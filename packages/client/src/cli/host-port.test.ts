import { describe, expect, it } from "vitest";
import { parseHostPort } from "./host-port.js";

describe("parseHostPort", () => {
  it("reads host:port, [IPv6]:port and, with a default port, bare hosts", () => {
    expect(parseHostPort("10.0.0.5:1234", "--server")).toEqual({ host: "10.0.0.5", port: 1234 });
    expect(parseHostPort("[::1]:9999", "--server")).toEqual({ host: "::1", port: 9999 });
    expect(parseHostPort("chat.lan", "--server", 9999)).toEqual({ host: "chat.lan", port: 9999 });
    expect(parseHostPort("[fe80::1]", "--server", 9999)).toEqual({ host: "fe80::1", port: 9999 });
    expect(parseHostPort("::1", "--server", 9999)).toEqual({ host: "::1", port: 9999 });
  });

  it.each([
    [":9999", undefined, "--target :9999: missing host"],
    ["localhost", undefined, "--target localhost: must be HOST:PORT (or [IPv6]:PORT)"],
    ["h:abc", undefined, "--target h:abc: port must be a number from 1 to 65535"],
    ["h:70000", 9999, "--target h:70000: port must be a number from 1 to 65535"],
    ["h:0", undefined, "--target h:0: port must be a number from 1 to 65535"],
  ])("refuses %j in one line naming the flag", (value, defaultPort, message) => {
    expect(() => parseHostPort(value, "--target", defaultPort)).toThrow(message);
  });
});
