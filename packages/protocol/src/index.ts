// The public API: what other packages use and what a user of the codec needs. Every name
// here is listed in index.test.ts; adding or removing one is a deliberate, changeset-worthy edit.
export {
  challengeToken,
  isCookie,
  isToken,
  MAX_COOKIE_BYTES,
  MAX_TOKEN_BYTES,
  MIN_TOKEN_BYTES,
} from "./address-check.js";
export { type DecodeOptions, decode } from "./decode.js";
export { encode } from "./encode.js";
export { ErrorText } from "./error-texts.js";
export {
  EncodeError,
  type EncodeErrorCode,
  FrameRefusal,
  isProtocolError,
  messageInvalid,
  nameInvalid,
  ProtocolError,
  type ProtocolErrorCode,
} from "./errors.js";
export {
  type Direction,
  decodeFrame,
  encodeFrame,
  inspectFrame,
  type RawPacket,
  type Reading,
} from "./frame.js";
export {
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULTS,
  HEADER_BYTES,
  MAX_DATA_BYTES,
  MAX_DATAGRAM_BYTES,
  MAX_MESSAGE_BYTES_CEILING,
  MAX_NAME_BYTES,
  MAX_UNREGISTERED_REPLY_BYTES,
} from "./limits.js";
export {
  CLIENT_OPCODES,
  Opcode,
  type OpcodeName,
  opcodeName,
  SERVER_OPCODES,
} from "./opcodes.js";
export type { ClientPacket, Packet, PacketOf, ServerPacket } from "./packets.js";
export {
  checkMessage,
  checkMessageBytes,
  checkName,
  foldName,
  lookAlikeKey,
  messageRefusal,
  nameRefusal,
  normalizeName,
  parseFoldedName,
  parseName,
  type TextRefusal,
} from "./text.js";
export { INVISIBLE_CLASS, isInvisible } from "./unicode/blank.js";
export { CASE_FOLDING_UNICODE_VERSION } from "./unicode/case-folding.generated.js";
export { CONFUSABLES_UNICODE_VERSION } from "./unicode/confusables.generated.js";
export { decodeUtf8, encodeUtf8 } from "./utf8.js";
export { type ValidateOptions, validate } from "./validate.js";
