import { describe, expect, it } from "vitest";
import * as api from "./index.js";

describe("public API", () => {
  // What the terminal client, the bench and the conformance kit use, and a library user
  // needs. Adding or removing a name is a deliberate edit here and a changeset.
  it("exports exactly the client, its socket, its errors and its emitter", () => {
    expect(Object.keys(api).sort()).toEqual([
      "ChatClient",
      "ChatError",
      "ChatSocket",
      "TypedEmitter",
      "connect",
      "isChatError",
    ]);
  });
});
