import { loadAddon } from "@chat/udp-batch";
import { openDgramLink } from "./dgram-link.js";
import type { Link, LinkHandlers, LinkOptions } from "./link.js";
import { openNativeLink } from "./native-link.js";

/** Binds the transport `choice` asks for; throws if it cannot (native without the addon). */
export async function openLink(options: LinkOptions, handlers: LinkHandlers): Promise<Link> {
  const { choice } = options;
  if (choice === "dgram") {
    return openDgramLink(options, handlers, options.dgramTransport, "--transport dgram");
  }
  if (options.dgramTransport !== undefined) {
    return openDgramLink(options, handlers, options.dgramTransport, "a test's send hook");
  }
  const addon = loadAddon();
  if (!addon.ok) {
    if (choice === "native") throw new Error(`--transport native: ${addon.reason}`);
    return openDgramLink(options, handlers, undefined, `auto: ${addon.reason}`);
  }
  const why =
    choice === "native"
      ? "--transport native (recvmmsg/sendmmsg)"
      : "auto: native addon loaded (recvmmsg/sendmmsg)";
  return openNativeLink(options, handlers, addon, why);
}
