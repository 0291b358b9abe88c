export { type DecodeOptions, decode } from "./decode.js";
export { encode } from "./encode.js";
export { ErrorText } from "./error-texts.js";
export {
  EncodeError,
  type EncodeErrorCode,
  isProtocolError,
  malformed,
  messageInvalid,
  NOT_VALID_UTF8,
  nameInvalid,
  ProtocolError,
  type ProtocolErrorCode,
  unknownOpcode,
} from "./errors.js";
export { type Direction, decodeFrame, encodeFrame, type RawPacket } from "./frame.js";
export * from "./limits.js";
export {
  CLIENT_OPCODES,
  Opcode,
  type OpcodeName,
  opcodeName,
  SERVER_OPCODES,
} from "./opcodes.js";
export type * from "./packets.js";
export {
  assertMessage,
  assertName,
  checkMessage,
  checkMessageBytes,
  checkName,
  decodeFoldedName,
  decodeMessage,
  decodeName,
  foldName,
  messageRefusal,
  nameRefusal,
  nameSkeleton,
  normalizeName,
  parseFoldedName,
  parseName,
  type TextRefusal,
} from "./text.js";
export { CASE_FOLDING_UNICODE_VERSION } from "./unicode/case-folding.generated.js";
export { CONFUSABLES_UNICODE_VERSION } from "./unicode/confusables.generated.js";
export { decodeUtf8, encodeUtf8, isValidUtf8, utf8Length } from "./utf8.js";
export { type ValidateOptions, validate } from "./validate.js";
