/** `server/testing`: the real daemon as a child process, for this and other packages' tests. */

export { TRANSPORTS, type TransportChoice } from "../link.js";
export * from "./daemon.js";
