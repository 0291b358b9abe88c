/** One client endpoint of a load worker, and the clock every worker stamps with. */
import type { ChatSocket } from "@chat/client";
import type { ServerPacket } from "@chat/protocol";
import type { SeenSet } from "./seen-set.js";

export interface Endpoint {
  readonly index: number;
  readonly name: string;
  readonly socket: ChatSocket;
  /** Set while a REGISTER awaits its answer. */
  registering: ((answer: ServerPacket) => void) | undefined;
  /** Forwards this endpoint has received in the current run, per sender. */
  readonly seen: SeenSet;
  /** Revision 3: the session token it registered with; undefined against an RFC server. */
  token?: string;
}

/** process.hrtime in nanoseconds, as a number: the same monotonic clock in every thread. */
export const nowNs = (): number => Number(process.hrtime.bigint());
