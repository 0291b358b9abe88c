import { constants } from "node:os";

/** Where a datagram came from or goes: an IP literal as node:dgram writes it, and a port. */
export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

/** One datagram for every endpoint in `to` (core's Datagram has this shape). */
export interface Outgoing {
  readonly bytes: Uint8Array;
  readonly to: readonly Endpoint[];
}

/** An address as the addon takes it: IPv6 scope and four raw words (IPv4: a0 only). */
export interface AddressWords {
  readonly scope: number;
  readonly a0: number;
  readonly a1: number;
  readonly a2: number;
  readonly a3: number;
}

/** An error with node's shape for a failed syscall: `code` is the errno name. */
export interface ErrnoError extends Error {
  readonly code: string;
  readonly errno: number;
  readonly syscall: string;
  readonly address?: string;
  readonly port?: number;
}

// The first name wins where two share a number (EAGAIN before EWOULDBLOCK).
const NAMES = new Map<number, string>();
for (const [name, number] of Object.entries(constants.errno)) {
  if (!NAMES.has(number)) NAMES.set(number, name);
}

/** The errno name of a positive errno number ("EMSGSIZE"), or "E<number>". */
export function errnoName(errno: number): string {
  return NAMES.get(errno) ?? `E${errno}`;
}

export function errnoError(
  code: string,
  errno: number,
  syscall: string,
  to?: Endpoint,
): ErrnoError {
  const where = to === undefined ? "" : ` ${to.address}:${to.port}`;
  const error = new Error(`${syscall} ${code}${where}`) as Error & Record<string, unknown>;
  error.code = code;
  error.errno = -errno;
  error.syscall = syscall;
  if (to !== undefined) {
    error.address = to.address;
    error.port = to.port;
  }
  return error as unknown as ErrnoError;
}
