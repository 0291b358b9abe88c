import { type ClientEvents, type InfoResult, type SendResult, TypedEmitter } from "@chat/client";
import type { ChatConnection } from "../app/connection.js";

/**
 * A stand-in for ChatClient in controller tests: it records calls and lets the test fire
 * server events. The real client is exercised end to end in e2e.test.ts.
 */
export class FakeClient extends TypedEmitter<ClientEvents> implements ChatConnection {
  name: string | undefined;
  readonly calls: string[] = [];
  refuseNames = new Map<string, string>();
  /** When set, LIST fails with this error, as the SDK's list() rejects on an ERROR. */
  listError: Error | undefined;
  users: string[] = [];
  nextResult: SendResult | Promise<SendResult> = { status: "delivered" };

  fire<K extends keyof ClientEvents>(event: K, payload: ClientEvents[K]): void {
    this.emit(event, payload);
  }

  async register(name: string): Promise<void> {
    this.calls.push(`register ${name}`);
    const refusal = this.refuseNames.get(name);
    if (refusal) throw new Error(refusal);
    this.name = name;
    if (!this.users.includes(name)) this.users.push(name);
  }

  /** Like the SDK: LOGOUT, REGISTER the new name, the old one back if it is refused. */
  async rename(name: string): Promise<void> {
    this.calls.push(`rename ${name}`);
    const old = this.name;
    const refusal = this.refuseNames.get(name);
    if (refusal) {
      this.name = old;
      throw new Error(refusal);
    }
    this.users = this.users.filter((user) => user !== old);
    this.name = name;
    this.users.push(name);
  }

  async broadcast(message: string): Promise<SendResult> {
    this.calls.push(`broadcast ${message}`);
    return this.nextResult;
  }

  async sendPrivate(to: string, message: string): Promise<SendResult> {
    this.calls.push(`private ${to} ${message}`);
    return this.nextResult;
  }

  async list(): Promise<string[]> {
    this.calls.push("list");
    if (this.listError) throw this.listError;
    return [...this.users];
  }

  async info(): Promise<InfoResult> {
    this.calls.push("info");
    return { text: "2026-11-26T05:40:00Z chat-server/1.0.0", rttMs: 1.5 };
  }

  async logout(): Promise<void> {
    this.calls.push("logout");
    this.name = undefined;
  }

  async close(options: { logout?: boolean } = {}): Promise<void> {
    this.calls.push(options.logout === false ? "close" : "close with logout");
  }
}
