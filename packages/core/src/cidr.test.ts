import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NetworkList, parseNetwork } from "./cidr.js";
import { addressGroupKey, groupKeyOf, parseIp } from "./ip-address.js";

describe("parseIp", () => {
  it("parses IPv4 as IPv4-mapped IPv6", () => {
    expect(Array.from(parseIp("192.0.2.1") ?? [])).toEqual([
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 192, 0, 2, 1,
    ]);
  });

  it("parses IPv6 forms: full, ::, embedded IPv4 and a zone", () => {
    expect(parseIp("2001:db8::1")?.[15]).toBe(1);
    expect(parseIp("::")).toEqual(new Uint8Array(16));
    expect(parseIp("::ffff:10.1.2.3")).toEqual(parseIp("10.1.2.3"));
    expect(parseIp("fe80::1%eth0")).toEqual(parseIp("fe80::1"));
    expect(parseIp("1:2:3:4:5:6:7:8")?.[14]).toBe(0);
  });

  it("refuses what is not an address", () => {
    for (const bad of ["", "1.2.3", "1.2.3.256", "01.2.3.4", "1::2::3", "12345::", "x", "1:2"]) {
      expect(parseIp(bad), bad).toBeUndefined();
    }
  });
});

describe("addressGroupKey", () => {
  it("keys IPv4 by address and an IPv4-mapped address like its IPv4", () => {
    expect(addressGroupKey("192.0.2.7")).toBe("192.0.2.7");
    expect(addressGroupKey("::ffff:192.0.2.7")).toBe("192.0.2.7");
  });

  it("keys any IPv4 text exactly as parsing it would", () => {
    const octet = fc.oneof(
      fc.integer({ min: 0, max: 300 }).map(String),
      fc.constantFrom("01", "00", "", "a", "1e1"),
    );
    const text = fc.oneof(
      fc.array(octet, { minLength: 1, maxLength: 6 }).map((parts) => parts.join(".")),
      fc.string({ maxLength: 16 }),
      fc.constantFrom(
        "192.0.2.7%eth0",
        "192.0.2.7%1",
        "::ffff:192.0.2.7",
        "0.0.0.0",
        "255.255.255.255",
      ),
    );
    fc.assert(
      fc.property(text, (address) => {
        const bytes = parseIp(address);
        expect(addressGroupKey(address)).toBe(bytes === undefined ? address : groupKeyOf(bytes));
      }),
      { numRuns: 3000 },
    );
  });

  it("keys IPv6 by its /64", () => {
    expect(addressGroupKey("2001:db8:1:2::1")).toBe(addressGroupKey("2001:db8:1:2:ffff::9"));
    expect(addressGroupKey("2001:db8:1:2::1")).not.toBe(addressGroupKey("2001:db8:1:3::1"));
    expect(addressGroupKey("2001:DB8:1:2::1")).toBe("2001:db8:1:2::/64");
  });
});

describe("NetworkList", () => {
  const loopback = new NetworkList(["127.0.0.0/8", "::1/128"]);

  it("matches IPv4, IPv6 and IPv4-mapped addresses", () => {
    expect(loopback.contains("127.0.0.1")).toBe(true);
    expect(loopback.contains("127.255.255.254")).toBe(true);
    expect(loopback.contains("::1")).toBe(true);
    expect(loopback.contains("::ffff:127.0.0.1")).toBe(true);
    expect(loopback.contains("128.0.0.1")).toBe(false);
    expect(loopback.contains("::2")).toBe(false);
    expect(loopback.contains("not an address")).toBe(false);
  });

  it("honours prefixes that are not whole bytes", () => {
    const list = new NetworkList(["10.0.0.0/13", "2001:db8:8000::/33"]);
    expect(list.contains("10.7.255.255")).toBe(true);
    expect(list.contains("10.8.0.0")).toBe(false);
    expect(list.contains("2001:db8:ffff::1")).toBe(true);
    expect(list.contains("2001:db8:7fff::1")).toBe(false);
  });

  it("treats /0 as everything of that family and a bare address as one host", () => {
    expect(new NetworkList(["0.0.0.0/0"]).contains("203.0.113.9")).toBe(true);
    expect(new NetworkList(["0.0.0.0/0"]).contains("2001:db8::1")).toBe(false);
    expect(new NetworkList(["203.0.113.9"]).contains("203.0.113.10")).toBe(false);
  });

  it("refuses bad CIDRs", () => {
    for (const bad of ["10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/x", "nope/8"]) {
      expect(parseNetwork(bad), bad).toBeUndefined();
    }
    expect(() => new NetworkList(["10.0.0.0/33"])).toThrow(RangeError);
  });
});
