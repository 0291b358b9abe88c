import { describe, expect, it } from "vitest";
import { started, tick, unwrap } from "../test-support/app-harness.js";
import { FakeClient } from "../test-support/fake-client.js";

describe("ChatApp /nick and /server", () => {
  it("/nick changes the name through the SDK and says so", async () => {
    const { client, type, log, status } = await started();
    await type("/nick kai", "enter");
    expect(client.calls).toContain("rename kai");
    expect(log().slice(-2)).toEqual([
      "12:30 -!- Changing your name to kai…",
      "12:30 -!- You are now kai.",
    ]);
    expect(status()).toContain("[kai]");
  });

  it("/nick to a taken name keeps the old one and gives the server's reason", async () => {
    const { client, type, log, status } = await started();
    client.refuseNames.set("bob", "username is already present");
    await type("/nick bob", "enter");
    expect(log().at(-1)).toBe(
      "12:30 -!- cannot change your name to bob: username is already present; you are still me",
    );
    expect(status()).toContain("[me]");
  });

  it("/nick refuses an invalid name before asking the server", async () => {
    const { client, app, type, log } = await started();
    app.input.set("/nick a\u202eb");
    await type("", "enter");
    expect(log().at(-1)).toBe(
      "12:30 -!- username is invalid: contains an invisible format character",
    );
    expect(client.calls.some((call) => call.startsWith("rename"))).toBe(false);
  });

  it("/server moves to another server with the same name, and leaves the old one", async () => {
    const next = new FakeClient();
    next.users = ["zoe"];
    const opened: string[] = [];
    const { client, type, log, status, users } = await started("me", {
      openClient: async (host, port) => {
        opened.push(`${host}:${port}`);
        return next;
      },
    });
    await type("/server 10.0.0.2:7000", "enter");
    expect(opened).toEqual(["10.0.0.2:7000"]);
    expect(next.calls).toContain("register me");
    expect(client.calls.at(-1)).toBe("close with logout");
    expect(log().at(-1)).toBe("12:30 -!- You are me on 10.0.0.2:7000.");
    expect(status()).toContain("[me] [1:room] [10.0.0.2:7000] [2 users]");
    expect(users()).toEqual(["Users (2)", "me", "zoe"]);
    // The old client is gone: what it might still say is not shown.
    client.fire("broadcast", { from: "ghost", message: "boo", self: false });
    next.fire("broadcast", { from: "zoe", message: "welcome", self: false });
    await tick();
    expect(log().some((line) => line.includes("boo"))).toBe(false);
    expect(log().at(-1)).toBe("12:30 <zoe> welcome");
  });

  it("/server stays put when the other server refuses the name, and says why", async () => {
    const next = new FakeClient();
    next.refuseNames.set("me", "username is already present");
    const { client, type, log, status } = await started("me", { openClient: async () => next });
    await type("/server 10.0.0.2:7000", "enter");
    expect(unwrap(log().slice(-2))).toBe(
      "12:30 -!- cannot move to 10.0.0.2:7000: username is already present; still on 127.0.0.1:9999",
    );
    expect(next.calls.at(-1)).toBe("close");
    expect(client.calls).not.toContain("close with logout");
    expect(status()).toContain("[127.0.0.1:9999]");
  });

  it("/server answers a bad address, and the server it is already on", async () => {
    const { type, log } = await started("me", { openClient: async () => new FakeClient() });
    await type("/server 10.0.0.2:99999", "enter");
    expect(log().at(-1)).toBe(
      "12:30 -!- /server 10.0.0.2:99999: port must be a number from 1 to 65535",
    );
    await type("/server 127.0.0.1:9999", "enter");
    expect(log().at(-1)).toBe("12:30 -!- already on 127.0.0.1:9999");
  });
});
