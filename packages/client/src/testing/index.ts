/** `@chat/client/testing`: helpers for tests that drive a ChatClient (this package's and others'). */
export { nextEvent, record, recordSent, until } from "./events.js";
