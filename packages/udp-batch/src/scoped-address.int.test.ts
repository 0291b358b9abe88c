import { execFileSync, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { skipWithoutAddon } from "./test-support.js";

const CHILD = fileURLToPath(new URL("./scoped-address.child.mjs", import.meta.url));
const BUILT = fileURLToPath(new URL("../dist/index.js", import.meta.url));

/**
 * Link-local addresses on loopback need a network namespace of our own (root or
 * CAP_SYS_ADMIN, and iproute2's `ip`; .ci/run runs as root and installs iproute2).
 * Elsewhere no scoped address can be made without touching the host, and the test is skipped.
 */
const canMakeNamespace =
  process.platform === "linux" &&
  spawnSync("unshare", ["-n", "ip", "link", "set", "lo", "up"]).status === 0;

describe.skipIf(skipWithoutAddon || !canMakeNamespace)("a scoped IPv6 address", () => {
  it("binds, reports, receives from and sends to fe80::%lo as node:dgram writes it", () => {
    const output = execFileSync("unshare", ["-n", process.execPath, CHILD, BUILT], {
      encoding: "utf8",
      timeout: 30_000,
    });
    const seen = JSON.parse(output) as {
      local: string;
      dgramLocal: string;
      source: { address: string; port: number };
      peer: { address: string; port: number };
      received: string[];
    };
    expect(seen.local).toBe(seen.dgramLocal);
    expect(seen.local).toBe("fe80::1%lo");
    expect(seen.source).toEqual({ address: seen.peer.address, port: seen.peer.port });
    expect(seen.source.address).toBe("fe80::2%lo");
    // The echo went back to the received source; "direct" to the scope parsed from text.
    expect(seen.received).toEqual(["direct", "re:ping"]);
  }, 40_000);
});
