export {};
export * from "./daemon.js";
