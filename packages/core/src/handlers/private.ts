import {
  decodeUtf8,
  ErrorText,
  encodeFrame,
  nameRefusal,
  Opcode,
  parseFoldedName,
} from "@chat/protocol";
import { OK_PACKET } from "../replies.js";
import type { Request } from "../request.js";
import type { ServerState } from "../server-state.js";
import { acceptMessage, requireUser } from "./common.js";

/** PRIVATE: checked in the protocol's order (registration, receiver, message), then forwarded. */
export function sendPrivate(
  state: ServerState,
  req: Request,
  receiver: Uint8Array,
  message: Uint8Array,
): void {
  if (!requireUser(state, req)) return;
  const folded = parseFoldedName(receiver);
  if (folded === undefined) {
    state.out.refuseWith(nameRefusal(receiver), req);
    return;
  }
  // By folded name, never by look-alike skeleton.
  const target = state.registry.byFoldedName(folded);
  if (target === undefined && state.cluster !== undefined) {
    state.cluster.sendPrivate(req, folded, receiver, message);
    return;
  }
  if (target === undefined) {
    // The name as sent: parseFoldedName has just proved it valid UTF-8.
    const text = ErrorText.userNotFound(decodeUtf8(receiver) as string);
    state.out.refuseWith({ text }, req);
    return;
  }
  if (!acceptMessage(state, req, message)) return;
  state.counters.privates++;
  const forward = encodeFrame(Opcode.PRIVATE_FWD, [req.user.nameBytes, message]);
  state.out.send(forward, target.self);
  state.out.reply(OK_PACKET, req);
}
