/** `@chat/client/testing`: helpers for tests that drive a ChatClient (this package's and others'). */
export { nextEvent, record, recordSent, until } from "./events.js";
export {
  HOSTILE_CHARACTERS,
  HOSTILE_TEXT,
  type HostileServer,
  startHostileServer,
} from "./hostile-server.js";
