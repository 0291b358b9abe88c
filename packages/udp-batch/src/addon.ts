import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkLayout, type Layout } from "./layout.js";

/** What open() takes: the socket, the buffers it keeps for its life, and its callbacks. */
export interface OpenOptions {
  readonly family: 4 | 6;
  readonly host: string;
  readonly port: number;
  /** Receive slots, one per meta row, each at least layout.MIN_SLOT_BYTES. */
  readonly recv: Uint8Array;
  readonly meta: Uint32Array;
  /** Payload bytes the plan rows point into. */
  readonly arena: Uint8Array;
  readonly plan: Uint32Array;
  /** Room for a failure per plan row. */
  readonly result: Int32Array;
  readonly scratch: Uint32Array;
  readonly onBatch: (count: number) => void;
  readonly onWritable: () => void;
  readonly onError: (code: string, syscall: string, errno: number) => void;
}

/** The addon's functions (native/udp_batch.c); the wrapper classes are the public face. */
export interface UdpBatchBinding {
  readonly layout: Layout;
  open(options: OpenOptions): NativeHandle;
  localAddress(handle: NativeHandle): [string, number];
  formatAddress(handle: NativeHandle, slot: number): string;
  parseAddress(handle: NativeHandle, address: string): boolean;
  send(handle: NativeHandle, rows: number): number;
  awaitWritable(handle: NativeHandle): void;
  setBufferSizes(handle: NativeHandle, receive: number, send: number): void;
  close(handle: NativeHandle): void;
  fd(handle: NativeHandle): number;
}

/** An open socket inside the addon; opaque to JavaScript. */
export type NativeHandle = { readonly __nativeHandle: unique symbol };

export type AddonLoad =
  | {
      readonly ok: true;
      readonly binding: UdpBatchBinding;
      /** The binding's layout, checked, as a plain object (fast to read on the hot path). */
      readonly layout: Layout;
      readonly path: string;
    }
  | { readonly ok: false; readonly reason: string };

/*
 * Set by the release bundle (tools/release: esbuild's `define`) to the addon's file name:
 * a bundled server (chat-server.mjs) finds the addon beside itself. Undefined otherwise.
 */
declare const CHAT_UDP_BATCH_BESIDE: string | undefined;

const HERE = dirname(fileURLToPath(import.meta.url));

/**
 * Where the addon is looked for: where `pnpm install` builds it (node-gyp's default
 * output), or, in a bundled server, beside the bundle.
 */
export const DEFAULT_ADDON_PATH =
  typeof CHAT_UDP_BATCH_BESIDE === "string"
    ? join(HERE, CHAT_UDP_BATCH_BESIDE)
    : join(HERE, "..", "build", "Release", "udp_batch.node");

/** Overrides the addon's path; a path with no addon forces the node:dgram fallback. */
export const ADDON_PATH_VARIABLE = "CHAT_UDP_BATCH_ADDON";

let cached: AddonLoad | undefined;

/**
 * Loads the addon, or says in a few words why it cannot be used: another OS, no build (no
 * compiler at install time), or a build whose buffer layout this wrapper cannot read (a
 * stale build of other sources). Never throws.
 */
export function loadAddon(env: NodeJS.ProcessEnv = process.env): AddonLoad {
  const override = env[ADDON_PATH_VARIABLE];
  if (override === undefined && cached !== undefined) return cached;
  const result = tryLoad(override ?? DEFAULT_ADDON_PATH, override !== undefined);
  if (override === undefined) cached = result;
  return result;
}

function tryLoad(path: string, overridden: boolean): AddonLoad {
  if (process.platform !== "linux") {
    return { ok: false, reason: `recvmmsg/sendmmsg need Linux, this is ${process.platform}` };
  }
  const where = overridden ? `${ADDON_PATH_VARIABLE}=${path}` : path;
  if (!existsSync(path)) {
    return { ok: false, reason: `native addon not built (no ${where})` };
  }
  try {
    const binding = createRequire(import.meta.url)(path) as UdpBatchBinding;
    const layout = checkLayout(binding.layout);
    if (!layout.ok)
      return { ok: false, reason: `native addon's layout is unreadable: ${layout.reason}` };
    return { ok: true, binding, layout: layout.layout, path };
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    return { ok: false, reason: `native addon failed to load: ${message}` };
  }
}
