import type { User } from "./registry.js";
import type { Endpoint } from "./types.js";

/**
 * The datagram being handled: who sent it, who that was when it arrived, and when. The
 * server owns one and refills it per datagram, so handling a packet allocates no context.
 */
export interface Request {
  from: Endpoint;
  /** The user's stored key, or one built for a nameless sender. */
  key: string;
  user: User | undefined;
  now: number;
}

/** A Request whose sender holds a name. */
export interface UserRequest extends Request {
  user: User;
}
