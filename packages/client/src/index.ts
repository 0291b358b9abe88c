// The public API: the client, its socket layer, its errors and the types they take and give.
export { ChatClient } from "./chat-client.js";
export {
  ChatSocket,
  type ChatSocketOptions,
  type MalformedListener,
  type PacketListener,
  type PacketPredicate,
} from "./chat-socket.js";
export { connect } from "./connect.js";
export { ChatError, type ChatErrorCode, isChatError } from "./errors.js";
export { type Listener, TypedEmitter } from "./typed-emitter.js";
export type {
  ClientEvents,
  ClientOptions,
  ConnectionEvent,
  ConnectionState,
  ConnectOptions,
  InfoResult,
  SendResult,
} from "./types.js";
