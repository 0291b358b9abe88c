/** `server/testing`: the real daemon as a child process, for this and other packages' tests. */
export * from "./daemon.js";
