import { describe, expect, it } from "vitest";
import * as api from "./index.js";

describe("public API", () => {
  // A daemon needs the server, its settings, what reading its stats takes (NO_OPCODE
  // indexes the count of empty datagrams) and the operator's deny list; everything else is
  // internal. Adding or
  // removing a name is a deliberate edit here and a changeset.
  it("exports exactly the server, its settings, the stats' no-opcode slot and the deny list", () => {
    expect(Object.keys(api).sort()).toEqual([
      "ChatServer",
      "DenyEntryError",
      "DenyList",
      "NO_OPCODE",
      "REFUSAL_REASONS",
      "SERVER_DEFAULTS",
      "defaultMaxUnchecked",
      "parseDenyEntry",
      "resolveSettings",
    ]);
  });
});
