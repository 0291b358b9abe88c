/**
 * The exact ERROR texts of docs/protocol.md#error-texts. Servers send them, clients and
 * the conformance kit match on them; tests compare whole strings.
 */
export const ErrorText = {
  NOT_REGISTERED: "not registered",
  USERNAME_TAKEN: "username is already present",
  SERVER_FULL: "server is full",
  RATE_LIMITED: "rate limited",
  TOO_MANY_FROM_ADDRESS: "too many users from this address",
  SHUTTING_DOWN: "server shutting down",
  /** Cluster mode: a new name or a PRIVATE to another node while the shared store is down. */
  CLUSTER_UNAVAILABLE: "cluster unavailable",
  /** Revision 3: the challenge of the address check, `address check: <token>`. */
  addressCheck: (token: string) => `address check: ${token}`,
  ADDRESS_CHECK_PREFIX: "address check: ",
  /** Operator errors: the sender's address or the name is on the server's deny list. */
  BANNED: "banned",
  /** Operator errors: an operator removed this user (admin `kick`). */
  REMOVED_BY_OPERATOR: "removed by the operator",
  alreadyRegisteredAs: (name: string) => `already registered as ${name}`,
  userNotFound: (name: string) => `user not found: ${name}`,
  unknownOpcode: (opcode: number) => `unknown opcode ${opcode}`,
  /** Prefixes of the texts whose reason is free. */
  USERNAME_INVALID_PREFIX: "username is invalid: ",
  MESSAGE_INVALID_PREFIX: "message is invalid: ",
  MALFORMED_PREFIX: "malformed packet: ",
} as const;
