export {
  ADDON_PATH_VARIABLE,
  type AddonLoad,
  DEFAULT_ADDON_PATH,
  loadAddon,
  type NativeHandle,
  type OpenOptions,
  type UdpBatchBinding,
} from "./addon.js";
export { BatchSender, type BatchSenderOptions, type SenderCounters } from "./batch-sender.js";
export { BatchSocket, type BatchSocketOptions } from "./batch-socket.js";
export type { Layout, SendLayout } from "./layout.js";
export { type Endpoint, type ErrnoError, errnoName, type Outgoing } from "./types.js";
