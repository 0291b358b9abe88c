import { execFileSync } from "node:child_process";
import { randomInt } from "node:crypto";

/**
 * A network namespace of the test's own, joined to the host by a veth pair on a /29 of
 * 10.0.0.0/8: the host side has `hostAddress` (for the namespace's clients) and
 * `redisAddress` (for Redis alone), the namespace `address`. `cut` drops everything the
 * namespace sends to `redisAddress` (a blackhole route: no reset, as a partition looks)
 * while its clients still reach it; `heal` undoes it. Needs root and iproute2.
 */
export class NetworkNamespace {
  readonly name: string;
  readonly address: string;
  readonly hostAddress: string;
  readonly redisAddress: string;
  readonly #hostLink: string;

  private constructor(id: number) {
    const [a, b] = [200 + (id % 50), Math.floor(id / 50) % 256];
    this.name = `chatp${id}`;
    this.#hostLink = `chv${id}`;
    this.hostAddress = `10.${a}.${b}.1`;
    this.address = `10.${a}.${b}.2`;
    this.redisAddress = `10.${a}.${b}.5`;
  }

  /** Whether this process may make one (root, with `ip`). */
  static available(): boolean {
    if (process.getuid?.() !== 0) return false;
    try {
      execFileSync("ip", ["-V"], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  }

  static create(): NetworkNamespace {
    const ns = new NetworkNamespace(randomInt(0, 12_000));
    const peer = `${ns.#hostLink}n`;
    try {
      ip("netns", "add", ns.name);
      ip("link", "add", ns.#hostLink, "type", "veth", "peer", "name", peer);
      ip("link", "set", peer, "netns", ns.name);
      ip("addr", "add", `${ns.hostAddress}/29`, "dev", ns.#hostLink);
      ip("addr", "add", `${ns.redisAddress}/29`, "dev", ns.#hostLink);
      ip("link", "set", ns.#hostLink, "up");
      ns.exec("ip", "addr", "add", `${ns.address}/29`, "dev", peer);
      ns.exec("ip", "link", "set", peer, "up");
      ns.exec("ip", "link", "set", "lo", "up");
    } catch (error) {
      ns.remove();
      throw error;
    }
    return ns;
  }

  /** What a command runs under to run inside (for `startDaemon`'s `runUnder`). */
  get runUnder(): string[] {
    return ["ip", "netns", "exec", this.name];
  }

  exec(...command: string[]): void {
    execFileSync("ip", ["netns", "exec", this.name, ...command], { stdio: "pipe" });
  }

  cut(): void {
    this.exec("ip", "route", "add", "blackhole", `${this.redisAddress}/32`);
  }

  heal(): void {
    this.exec("ip", "route", "del", "blackhole", `${this.redisAddress}/32`);
  }

  /** Deletes the namespace (and with it the veth pair). */
  remove(): void {
    try {
      ip("link", "del", this.#hostLink);
    } catch {
      // Already gone with the namespace, or never made.
    }
    try {
      ip("netns", "del", this.name);
    } catch {
      // Never made.
    }
  }
}

function ip(...args: string[]): void {
  execFileSync("ip", args, { stdio: "pipe" });
}
