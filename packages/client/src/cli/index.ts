/** `@chat/client/cli`: what every chat-udp command line shares. */
export { CommandLineError, type CommandLineValues, readCommandLine } from "./command-line.js";
export { parseHostPort } from "./host-port.js";
