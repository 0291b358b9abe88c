import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DaemonHandle, startDaemon } from "@chat/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../bundle.js";
import { privateNames, releaseCheck } from "./check.js";
import { inspectPackage } from "./inspect.js";
import { type Packed, pack } from "./pack.js";
import { type Manifest, publicPackages } from "./workspace.js";

const work = mkdtempSync(join(tmpdir(), "chat-release-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the release check", () => {
  let daemon: DaemonHandle;
  beforeAll(async () => {
    daemon = await startDaemon();
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  it("installs every public package with npm into an empty folder and runs the consumer", async () => {
    const { packages, output } = await releaseCheck(`${daemon.host}:${daemon.port}`);
    expect(packages.sort()).toEqual(
      publicPackages(REPO_ROOT)
        .map(({ manifest }) => manifest.name)
        .sort(),
    );
    expect(packages).toEqual(
      expect.arrayContaining(["@chat/protocol", "@chat/client", "@chat/conformance"]),
    );
    expect(output).toContain("ok @chat/protocol: vector");
    expect(output).toContain("ok @chat/client: registered two users");
    expect(output).toMatch(
      /ok @chat\/conformance: chat-conformance --only 1: [1-9]\d* passed, 0 failed/,
    );
    for (const name of packages) expect(output).toContain(`ok ${name}: every export loads`);
  }, 120_000);
});

/*
 * Each way a package can be broken for its users, made on a copy of a real one, must be
 * caught. Packed once; each test doctors its own copy of the unpacked package.
 */
describe("the release check refuses a package", () => {
  const hidden = privateNames();
  let client: Packed;
  let protocolDir: string;
  beforeAll(async () => {
    client = await pack(join(REPO_ROOT, "packages", "client"), join(work, "packs"));
    protocolDir = join(REPO_ROOT, "packages", "protocol");
  }, 60_000);

  /** A copy of the packed client, its manifest changed by `doctor`; its problems. */
  async function doctoredClient(doctor: (manifest: Manifest) => void): Promise<string[]> {
    const copy = mkdtempSync(join(work, "client-"));
    cpSync(client.root, copy, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(copy, "package.json"), "utf8")) as Manifest;
    doctor(manifest);
    writeFileSync(join(copy, "package.json"), JSON.stringify(manifest, null, 2));
    return inspectPackage(copy, hidden);
  }

  /** A copy of packages/protocol, its `files` changed by `doctor`, packed by pnpm; its problems. */
  async function repackedProtocol(doctor: (files: string[]) => string[]): Promise<string[]> {
    const copy = mkdtempSync(join(work, "protocol-"));
    for (const part of ["package.json", "dist", "src", "vectors"]) {
      cpSync(join(protocolDir, part), join(copy, part), { recursive: true });
    }
    const manifest = JSON.parse(readFileSync(join(copy, "package.json"), "utf8")) as Manifest;
    manifest.files = doctor(manifest.files ?? []);
    writeFileSync(join(copy, "package.json"), JSON.stringify(manifest, null, 2));
    const repacked = await pack(copy, join(copy, "packs"));
    return inspectPackage(repacked.root, hidden);
  }

  it("passes the real packed client as it is (the control)", async () => {
    expect(await doctoredClient(() => {})).toEqual([]);
  });

  it("with a workspace: range left in its manifest", async () => {
    const problems = await doctoredClient((manifest) => {
      manifest.dependencies = { ...manifest.dependencies, "@chat/protocol": "workspace:*" };
    });
    expect(problems).toContain(
      "@chat/client: dependencies has @chat/protocol@workspace:*, a range only the workspace can resolve",
    );
  });

  it("depending on a package only the workspace has (a private one)", async () => {
    const problems = await doctoredClient((manifest) => {
      manifest.dependencies = { ...manifest.dependencies, "@chat/testkit": "0.2.0" };
    });
    expect(problems).toContain(
      "@chat/client: dependencies has @chat/testkit, a private workspace package that is never published",
    );
  });

  it("importing a package it does not declare (the workspace's node_modules had it)", async () => {
    const problems = await doctoredClient((manifest) => {
      manifest.dependencies = {};
    });
    expect(
      problems.some((p) => /imports @chat\/protocol, which is not among its dependencies/.test(p)),
    ).toBe(true);
  });

  it("with an export that points at nothing", async () => {
    const problems = await doctoredClient((manifest) => {
      const exports = manifest.exports as Record<string, Record<string, string>>;
      exports["./cli"] = { ...exports["./cli"], default: "./dist/cli/nowhere.js" };
    });
    expect(problems).toContain(
      '@chat/client: exports["./cli"]["default"] points at ./dist/cli/nowhere.js, which is not in the package',
    );
  });

  it("whose `files` leaves out a module the code imports", async () => {
    const problems = await repackedProtocol((files) => [...files, "!dist/utf8.js"]);
    expect(problems.some((p) => /Could not resolve "\.\/utf8\.js".*check "files"/.test(p))).toBe(
      true,
    );
  }, 30_000);

  it("whose `files` leaves out the folder an export points into", async () => {
    const problems = await repackedProtocol((files) => files.filter((file) => file !== "vectors"));
    expect(problems).toContain(
      '@chat/protocol: exports["./vectors.json"] points at ./vectors/vectors.json, which is not in the package',
    );
  }, 30_000);
});
