import { CommandLineError } from "./command-line.js";

/**
 * Reads "host:port", "[v6]:port", and (with a `defaultPort`) a bare host or a bare IPv6
 * address: the one reading of a server address that every command shares. Errors name the
 * flag and the value, in one line.
 */
export function parseHostPort(
  value: string,
  flag: string,
  defaultPort?: number,
): { host: string; port: number } {
  let host: string;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/u.exec(value);
  if (bracketed) {
    host = bracketed[1] as string;
    portText = bracketed[2];
  } else if ((value.match(/:/g) ?? []).length > 1) {
    host = value; // a bare IPv6 address, no port
  } else {
    const colon = value.lastIndexOf(":");
    host = colon >= 0 ? value.slice(0, colon) : value;
    portText = colon >= 0 ? value.slice(colon + 1) : undefined;
  }
  if (host === "") throw new CommandLineError(`${flag} ${value}: missing host`);
  if (portText === undefined) {
    if (defaultPort !== undefined) return { host, port: defaultPort };
    throw new CommandLineError(`${flag} ${value}: must be HOST:PORT (or [IPv6]:PORT)`);
  }
  if (!/^\d{1,5}$/u.test(portText) || Number(portText) < 1 || Number(portText) > 65_535) {
    throw new CommandLineError(`${flag} ${value}: port must be a number from 1 to 65535`);
  }
  return { host, port: Number(portText) };
}
