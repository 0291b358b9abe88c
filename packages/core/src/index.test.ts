import { describe, expect, it } from "vitest";
import * as api from "./index.js";

describe("public API", () => {
  // A daemon needs the server, its settings and what reading its stats takes (NO_OPCODE
  // indexes the count of empty datagrams); everything else is internal. Adding or
  // removing a name is a deliberate edit here and a changeset.
  it("exports exactly the server, its settings and the stats' no-opcode slot", () => {
    expect(Object.keys(api).sort()).toEqual([
      "ChatServer",
      "NO_OPCODE",
      "SERVER_DEFAULTS",
      "resolveSettings",
    ]);
  });
});
