import { parseIp } from "./ip-address.js";

/** One CIDR network as 16 address bytes (IPv4 mapped into IPv6) and a prefix length. */
export interface Network {
  readonly bytes: Uint8Array;
  readonly prefix: number;
}

/** Parses `a.b.c.d/n`, `x:y::z/n`, or a bare address (a host network); `undefined` if invalid. */
export function parseNetwork(text: string): Network | undefined {
  const slash = text.indexOf("/");
  const addressText = slash >= 0 ? text.slice(0, slash) : text;
  const bytes = parseIp(addressText);
  if (bytes === undefined) return undefined;
  const isV4 = !addressText.includes(":");
  const max = isV4 ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const prefixText = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(prefixText)) return undefined;
    prefix = Number(prefixText);
    if (prefix > max) return undefined;
  }
  return { bytes, prefix: isV4 ? prefix + 96 : prefix };
}

export function networkContains(network: Network, address: Uint8Array): boolean {
  const whole = network.prefix >> 3;
  for (let i = 0; i < whole; i++) if (network.bytes[i] !== address[i]) return false;
  const rest = network.prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((network.bytes[whole] as number) & mask) === ((address[whole] as number) & mask);
}

/** A list of networks, asked whether an address text falls in any of them. */
export class NetworkList {
  private readonly networks: readonly Network[];

  constructor(cidrs: readonly string[]) {
    this.networks = cidrs.map((cidr) => {
      const network = parseNetwork(cidr);
      if (network === undefined) throw new RangeError(`${JSON.stringify(cidr)} is not a CIDR`);
      return network;
    });
  }

  get size(): number {
    return this.networks.length;
  }

  /** True when `address` parses and lies in one of the networks. */
  contains(address: string): boolean {
    if (this.networks.length === 0) return false;
    const bytes = parseIp(address);
    return bytes !== undefined && this.containsBytes(bytes);
  }

  /** `contains` for an address already parsed by parseIp. */
  containsBytes(bytes: Uint8Array): boolean {
    for (const network of this.networks) if (networkContains(network, bytes)) return true;
    return false;
  }
}
