import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { configPath, parseConfig, readConfig } from "./config.js";
import { configDir, dataDir, stateDir } from "./xdg.js";

const PATH = "/home/u/.config/chat-udp/config.json";

describe("config.json", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const tempHome = () => {
    const dir = mkdtempSync(join(tmpdir(), "chat-config-"));
    dirs.push(dir);
    return dir;
  };

  it("reads every key", () => {
    const text = JSON.stringify({
      server: "[::1]:7000",
      name: "kai",
      keepalive: 2.5,
      timestamps: false,
      colours: false,
    });
    expect(parseConfig(text, PATH)).toEqual({
      config: {
        server: { host: "::1", port: 7000 },
        name: "kai",
        keepAliveMs: 2_500,
        timestamps: false,
        colours: false,
      },
      problems: [],
    });
  });

  it("names the line and column of broken JSON, and uses the defaults", () => {
    const { config, problems } = parseConfig('{\n  "name": "kai",\n}\n', PATH);
    expect(config).toEqual({});
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      new RegExp(`^${PATH}: line 3, column 1: not valid JSON \\(.+\\); using defaults$`),
    );
  });

  it("names each bad key and keeps the good ones", () => {
    const text = JSON.stringify({
      server: "10.0.0.1:99999",
      name: "has space",
      keepalive: "30",
      timestamps: "yes",
      colors: true,
      colours: false,
    });
    const { config, problems } = parseConfig(text, PATH);
    expect(config).toEqual({ colours: false });
    expect(problems).toEqual([
      `${PATH}: "server": 10.0.0.1:99999: port must be a number from 1 to 65535; using the default`,
      `${PATH}: "name": username is invalid: contains whitespace; using the default`,
      `${PATH}: "keepalive": must be a number of seconds; using the default`,
      `${PATH}: "timestamps": must be true or false; using the default`,
      `${PATH}: unknown key "colors" (known: server, name, keepalive, timestamps, colours, ignore, aliases, highlight, bell, autolog); ignored`,
    ]);
  });

  it("reads the settings of the irssi habits: ignore, aliases, highlight, bell, autolog", () => {
    const text = JSON.stringify({
      ignore: ["mallory"],
      aliases: { j: "/query", Hi: "msg bob hello" },
      highlight: [" deploy ", "lunch"],
      bell: 5,
      autolog: true,
    });
    expect(parseConfig(text, PATH)).toEqual({
      config: {
        ignore: ["mallory"],
        aliases: { j: "query", hi: "msg bob hello" },
        highlight: ["deploy", "lunch"],
        bell: { atMostEveryMs: 5_000 },
        autolog: true,
      },
      problems: [],
    });
    expect(parseConfig('{"bell": "off"}', PATH).config).toEqual({ bell: "off" });
  });

  it("names each bad habit setting and keeps the defaults", () => {
    const text = JSON.stringify({
      ignore: ["has space"],
      aliases: { "two words": "query", ok: 3 },
      highlight: [""],
      bell: -1,
      autolog: "yes",
    });
    const { config, problems } = parseConfig(text, PATH);
    expect(config).toEqual({ aliases: {} });
    expect(problems).toEqual([
      `${PATH}: "ignore": username is invalid: contains whitespace: "has space"; using the default`,
      `${PATH}: "aliases": "two words": not a command word; ignored`,
      `${PATH}: "aliases": "ok": must name a command, like "query"; ignored`,
      `${PATH}: "highlight": must be a list of words, like ["deploy", "lunch"]; using the default`,
      `${PATH}: "bell": "on", "off" or a number of seconds (at most one bell that often); using the default`,
      `${PATH}: "autolog": must be true or false; using the default`,
    ]);
  });

  it("refuses a file that is not one object", () => {
    expect(parseConfig("[1, 2]", PATH).problems[0]).toContain("must hold one JSON object");
  });

  it("lives in $XDG_CONFIG_HOME/chat-udp, else ~/.config/chat-udp; a missing file is no problem", () => {
    const home = tempHome();
    expect(configPath({ HOME: home })).toBe(join(home, ".config/chat-udp/config.json"));
    expect(configPath({ HOME: home, XDG_CONFIG_HOME: "/x" })).toBe("/x/chat-udp/config.json");
    expect(configPath({ HOME: home, XDG_CONFIG_HOME: "relative" })).toBe(
      join(home, ".config/chat-udp/config.json"),
    );
    expect(readConfig({ HOME: home })).toEqual({
      path: join(home, ".config/chat-udp/config.json"),
      config: {},
      problems: [],
    });
  });

  it("reads the file from disk, and reports one it cannot read", () => {
    const home = tempHome();
    const env = { HOME: home, XDG_CONFIG_HOME: join(home, "cfg") };
    mkdirSync(configDir(env), { recursive: true });
    writeFileSync(configPath(env), '{"name": "kai"}');
    expect(readConfig(env).config).toEqual({ name: "kai" });
    mkdirSync(join(home, "cfg2/chat-udp/config.json"), { recursive: true });
    const unreadable = readConfig({ HOME: home, XDG_CONFIG_HOME: join(home, "cfg2") });
    expect(unreadable.problems[0]).toMatch(/cannot read it \(EISDIR\); using defaults$/);
  });

  it("puts state and data under their XDG directories", () => {
    expect(stateDir({ HOME: "/h" })).toBe("/h/.local/state/chat-udp");
    expect(stateDir({ HOME: "/h", XDG_STATE_HOME: "/s" })).toBe("/s/chat-udp");
    expect(dataDir({ HOME: "/h" })).toBe("/h/.local/share/chat-udp");
    expect(dataDir({ HOME: "/h", XDG_DATA_HOME: "/d" })).toBe("/d/chat-udp");
  });
});
