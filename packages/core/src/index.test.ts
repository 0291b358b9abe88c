import { describe, expect, it } from "vitest";
import * as api from "./index.js";

describe("public API", () => {
  // A daemon needs the server and its settings; everything else is internal. Adding or
  // removing a name is a deliberate edit here and a changeset.
  it("exports exactly the server and its settings", () => {
    expect(Object.keys(api).sort()).toEqual(["ChatServer", "SERVER_DEFAULTS", "resolveSettings"]);
  });
});
