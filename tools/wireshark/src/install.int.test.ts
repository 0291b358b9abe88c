import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DISSECTOR, findTshark } from "./tshark.js";

const tshark = findTshark();
// Skipped only where tshark is not installed (`.ci/run` installs it): there is nothing to run.
describe.skipIf(tshark === undefined)("installing the dissector as the README says", () => {
  const home = mkdtempSync(join(tmpdir(), "chat-udp-home-"));
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it("loads from the personal Lua plugins folder, port and heuristic registered", () => {
    const plugins = join(home, ".local", "lib", "wireshark", "plugins");
    mkdirSync(plugins, { recursive: true });
    copyFileSync(DISSECTOR, join(plugins, "chat-udp.lua"));
    const env = { ...process.env, HOME: home };
    const list = (what: string) => execFileSync(tshark!, ["-G", what], { env, encoding: "utf8" });
    expect(list("plugins")).toContain(join(plugins, "chat-udp.lua"));
    expect(list("heuristic-decodes")).toMatch(/^udp\tchat_udp\tT$/m);
    expect(list("decodes")).toMatch(/^udp\.port\t9999\tchat_udp$/m);
  });
});
