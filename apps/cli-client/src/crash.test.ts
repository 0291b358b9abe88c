import { describe, expect, it } from "vitest";
import { CRASH_EXIT_CODE, crashHandler } from "./crash.js";

function recorder(restoreThrows = false) {
  const events: string[] = [];
  const handler = crashHandler({
    restore: () => {
      events.push("restore");
      if (restoreThrows) throw new Error("terminal already gone");
    },
    write: (text) => events.push(`write ${text.split("\n")[0]}`),
    exit: (code) => events.push(`exit ${code}`),
    terminalGone: () => events.push("terminal gone"),
  });
  return { events, handler };
}

describe("crashHandler", () => {
  it("restores the terminal before it prints the error, then exits non-zero", () => {
    const { events, handler } = recorder();
    handler(new TypeError("boom"));
    expect(events).toEqual([
      "restore",
      "write chat: crashed: TypeError: boom",
      `exit ${CRASH_EXIT_CODE}`,
    ]);
  });

  it("still prints the error when restoring fails", () => {
    const { events, handler } = recorder(true);
    handler(new Error("boom"));
    expect(events.slice(1)).toEqual([
      "write chat: crashed: Error: boom",
      `exit ${CRASH_EXIT_CODE}`,
    ]);
  });

  it("treats EIO on the terminal as a hang-up, not a crash", () => {
    const { events, handler } = recorder();
    handler(Object.assign(new Error("write EIO"), { code: "EIO" }));
    expect(events).toEqual(["terminal gone"]);
  });

  it("reports a rejection that is not an Error", () => {
    const { events, handler } = recorder();
    handler("just a string");
    expect(events[1]).toBe("write chat: crashed: just a string");
  });
});
