import type { ServerPacket } from "@chat/protocol";

/** The public types of the high-level client. */

export interface ClientOptions {
  /** Server host name or address (IPv4 or IPv6). */
  host: string;
  port: number;
  /** Local address and port to bind (default: any address, an ephemeral port). */
  bindAddress?: string;
  bindPort?: number;
  /** Wait for the first answer to a request (default 500 ms); doubles on each retransmission. */
  requestTimeoutMs?: number;
  /** Retransmissions of an idempotent request after the first try (default 5). */
  retries?: number;
  /** Cap on the doubled wait between tries (default 4 x requestTimeoutMs). */
  maxRetryDelayMs?: number;
  /** How long a broadcast waits for its own copy and a private message for OK (default 2,000 ms). */
  confirmTimeoutMs?: number;
  /**
   * Keep-alive period (default 30 s, per protocol); 0 turns keep-alive off. The keep-alive
   * is a REGISTER of the held name: it refreshes the user, and registers it again if the
   * server had forgotten it. Keep it below the server's user timeout.
   */
  keepAliveMs?: number;
  /** Keep-alives left unanswered in a row before the server counts as lost (default 3). */
  deadAfterMissed?: number;
  /**
   * Register again by itself after a lost, restarted or shut-down server (default true).
   * When false, the keep-alive is an INFO, which keeps the user alive but never registers.
   */
  autoReregister?: boolean;
  /** The message ceiling the server runs with, for local checks (default 1,024 bytes). */
  maxMessageBytes?: number;
  /** Quiet time that ends a multi-packet user list (default 50 ms). */
  listMergeMs?: number;
}

export interface ConnectOptions extends ClientOptions {
  /** The name to register. */
  name: string;
}

/** What became of a private message or a broadcast. */
export type SendResult =
  /** The server confirmed it: OK for a private message, our own copy for a broadcast. */
  | { status: "delivered" }
  /** The server refused it; `error` is its ERROR text (`user not found: bob`, `rate limited`). */
  | { status: "failed"; error: string }
  /** No confirmation in time: it may or may not have arrived (UDP). */
  | { status: "unconfirmed" };

export interface InfoResult {
  /** The INFO_RESPONSE text as received. */
  text: string;
  /** Round-trip time of the answered try, in milliseconds. */
  rttMs: number;
  /** The server's clock, when the text starts with an ISO 8601 date. */
  date?: Date;
  /** What follows the date, e.g. `chat-server/1.0.0`. */
  serverVersion?: string;
}

export type ConnectionState =
  | "registered"
  | "lost"
  | "reregistering"
  | "reregistered"
  /** The server would not give the name back (`username is already present`...): it is dropped. */
  | "refused"
  | "closed";

export interface ConnectionEvent {
  state: ConnectionState;
  /**
   * Why, in words: `3 keep-alives unanswered`, `server shutting down`, an ERROR text; for
   * `reregistered`, what brought it about (`the server had forgotten us after 2 unanswered
   * keep-alives`, `the server restarted`...).
   */
  reason?: string;
}

/** Every event of ChatClient and its payload. */
export interface ClientEvents {
  /** A BROADCAST_FWD; `self` is true for our own copy. */
  broadcast: { from: string; message: string; self: boolean };
  /** A PRIVATE_FWD addressed to us. */
  private: { from: string; message: string };
  /** A complete user list (pushed by the server or asked for), merged across packets. */
  users: { names: string[] };
  /** An INFO_RESPONSE, from `info()` (or a keep-alive, with `autoReregister` off). */
  info: InfoResult;
  /** An ERROR that answers none of our requests. */
  error: { text: string };
  /** The server said `server shutting down`. */
  shutdown: Record<string, never>;
  /** A round-trip time: an INFO or REGISTER (the keep-alive) answered on its only try. */
  rtt: { ms: number };
  /**
   * The server forgot us although no keep-alive had gone unanswered, `forgottenAfterMs`
   * after it last said OK to our name: its user timeout looks shorter than `keepAliveMs`
   * (or it restarted in between). Emitted once per client.
   */
  keepAliveTooLong: { keepAliveMs: number; forgottenAfterMs: number };
  connection: ConnectionEvent;
  /** Every decoded packet from the server, before the client handles it. */
  packet: { packet: ServerPacket };
  /** A datagram from the server that failed to decode; `reason` is the ProtocolError text. */
  malformed: { reason: string; bytes: Buffer };
}
