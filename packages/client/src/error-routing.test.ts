import { ErrorText } from "@chat/protocol";
import { describe, expect, it } from "vitest";
import { type Pending, routeError } from "./error-routing.js";

const at = (kind: Pending["kind"], sentAt: number): Pending => ({ kind, sentAt });

describe("routeError", () => {
  it("gives a refusal of a name to the REGISTER, not to an older broadcast", () => {
    const pending = [at("broadcast", 1), at("register", 2)];
    expect(routeError(pending, ErrorText.USERNAME_TAKEN)).toBe(pending[1]);
  });

  it("gives `user not found` to the private message", () => {
    const pending = [at("list", 1), at("broadcast", 2), at("private", 3)];
    expect(routeError(pending, ErrorText.userNotFound("bob"))).toBe(pending[2]);
  });

  it("gives `not registered` to the oldest request it can answer", () => {
    const pending = [at("info", 1), at("private", 3), at("list", 2)];
    expect(routeError(pending, ErrorText.NOT_REGISTERED)).toBe(pending[2]);
  });

  it("lets a retried request ignore `rate limited`: its next try will do", () => {
    expect(routeError([at("register", 1), at("list", 2), at("info", 3)], "rate limited")).toBe(
      undefined,
    );
    const pending = [at("register", 1), at("broadcast", 2)];
    expect(routeError(pending, ErrorText.RATE_LIMITED)).toBe(pending[1]);
  });

  it("gives a message refusal to a broadcast or private message only", () => {
    const pending = [at("register", 1), at("broadcast", 2)];
    expect(routeError(pending, "message is invalid: contains ESC")).toBe(pending[1]);
  });

  it("gives a text the protocol does not define to the oldest request that is not retried", () => {
    const pending = [at("list", 1), at("broadcast", 3), at("private", 2)];
    expect(routeError(pending, "go away")).toBe(pending[2]);
  });

  it("never routes `server shutting down` or answers nothing when nothing is pending", () => {
    expect(routeError([at("register", 1), at("private", 2)], ErrorText.SHUTTING_DOWN)).toBe(
      undefined,
    );
    expect(routeError([], ErrorText.NOT_REGISTERED)).toBeUndefined();
  });
});
