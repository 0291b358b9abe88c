import { foldName, lookAlikeKey } from "@chat/protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { endpointKey, type NameForms, Registry, type User } from "./registry.js";
import type { Endpoint } from "./types.js";

const ep = (port: number) => ({ address: "192.0.2.1", port });
function forms(name: string): NameForms {
  const folded = foldName(name);
  return { name, folded, skeleton: lookAlikeKey(name) };
}
function add(r: Registry, name: string, port: number, now = 0) {
  return r.add(forms(name), ep(port), endpointKey(ep(port)), "192.0.2.1", now);
}

describe("Registry", () => {
  it("finds a user by endpoint key and by folded name", () => {
    const r = new Registry();
    const alice = add(r, "Alice", 1);
    expect(r.byEndpointKey(endpointKey(ep(1)))).toBe(alice);
    expect(r.byFoldedName("alice")).toBe(alice);
    expect(r.countInGroup("192.0.2.1", false)).toBe(1);
  });

  it("finds each user by endpoint, alone at an address or sharing it, through joins and leaves", () => {
    const addresses = ["192.0.2.1", "192.0.2.2", "2001:db8::1"];
    const endpoints: Endpoint[] = addresses.flatMap((address) =>
      [1, 2, 3].map((port) => ({ address, port })),
    );
    const step = fc.record({ at: fc.nat(endpoints.length - 1), join: fc.boolean() });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), fc.boolean(), (steps, clearAtEnd) => {
        const r = new Registry();
        // The model: who holds each endpoint, in registration order.
        const model = new Map<string, User>();
        for (const [i, { at, join }] of steps.entries()) {
          const endpoint = endpoints[at] as Endpoint;
          const key = endpointKey(endpoint);
          const user = model.get(key);
          if (join && user === undefined) {
            model.set(key, r.add(forms(`u${i}`), endpoint, key, endpoint.address, i));
          }
          if (!join && user !== undefined) {
            r.remove(user);
            model.delete(key);
          }
        }
        if (clearAtEnd) {
          r.clear();
          model.clear();
        }
        for (const endpoint of endpoints) {
          const expected = model.get(endpointKey(endpoint));
          expect(r.byEndpoint({ address: endpoint.address, port: endpoint.port })).toBe(expected);
          expect(r.byEndpointKey(endpointKey(endpoint))).toBe(expected);
        }
        expect(r.size).toBe(model.size);
        expect(r.names()).toEqual([...model.values()].map((u) => u.name));
      }),
    );
  });

  it("keys IPv6 endpoints without clashes between address and port", () => {
    expect(endpointKey({ address: "::1", port: 5 })).not.toBe(
      endpointKey({ address: "::", port: 15 }),
    );
  });

  it("replaces, never edits, the endpoint and name arrays it handed out", () => {
    const r = new Registry();
    add(r, "a", 1);
    const endpoints = r.endpoints();
    const names = r.names();
    expect(r.endpoints()).toBe(endpoints);
    add(r, "b", 2);
    expect(endpoints).toEqual([ep(1)]);
    expect(names).toEqual(["a"]);
    expect(r.endpoints()).toEqual([ep(1), ep(2)]);
    expect(Object.isFrozen(r.endpoints())).toBe(true);
  });

  it("keeps registration order for names and last-seen order for expiry", () => {
    const r = new Registry();
    const a = add(r, "a", 1, 0);
    add(r, "b", 2, 10);
    add(r, "c", 3, 20);
    r.touch(a, 30);
    expect(r.names()).toEqual(["a", "b", "c"]);
    expect(r.oldestLastSeen()).toBe(10);
    expect(r.expire(110, 100).map((u) => u.name)).toEqual(["b"]);
    expect(r.expire(119, 100).map((u) => u.name)).toEqual([]);
    expect(r.expire(130, 100).map((u) => u.name)).toEqual(["c", "a"]);
    expect(r.size).toBe(0);
    expect(r.countInGroup("192.0.2.1", false)).toBe(0);
  });

  it("ignores a touch with a time that steps back", () => {
    const r = new Registry();
    const a = add(r, "a", 1, 50);
    add(r, "b", 2, 60);
    r.touch(a, 40);
    expect(a.lastSeen).toBe(50);
    expect(r.oldestLastSeen()).toBe(50);
  });
});
