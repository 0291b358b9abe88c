/** `@chat/client/cli`: what every chat-udp command line shares. */
export { CommandLineError, type CommandLineValues, readCommandLine } from "./command-line.js";
export { MAX_TIMER_MS, parseMilliseconds, parseSeconds } from "./duration.js";
export { parseHostPort } from "./host-port.js";
export {
  isPrintable,
  jsonLine,
  sanitizeLine,
  sanitizeMessage,
  stableWidthForm,
} from "./terminal-text.js";
