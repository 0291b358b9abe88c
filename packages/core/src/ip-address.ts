/*
 * IP address text -> 16 bytes. IPv4 is held as IPv4-mapped IPv6 (::ffff:a.b.c.d), so one
 * comparison serves both families and a mapped address matches an IPv4 network.
 */

/** Parses IPv4 or IPv6 text (a `%zone` suffix is ignored); `undefined` if it is neither. */
export function parseIp(text: string): Uint8Array | undefined {
  const zone = text.indexOf("%");
  const address = zone >= 0 ? text.slice(0, zone) : text;
  if (!address.includes(":")) {
    const v4 = parseIpv4(address);
    if (v4 === undefined) return undefined;
    const out = new Uint8Array(16);
    out[10] = 0xff;
    out[11] = 0xff;
    out.set(v4, 12);
    return out;
  }
  return parseIpv6(address);
}

/** Dotted-quad IPv4, strict (no leading zeros); a loop over char codes, as it runs per reply. */
function parseIpv4(text: string): Uint8Array | undefined {
  const out = new Uint8Array(4);
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0x2e; // a final "." closes the last part
    if (c === 0x2e) {
      if (digits === 0 || part > 3) return undefined;
      out[part++] = value;
      value = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39) {
      if (digits > 0 && value === 0) return undefined; // leading zero
      value = value * 10 + (c - 0x30);
      if (++digits > 3 || value > 255) return undefined;
    } else {
      return undefined;
    }
  }
  return part === 4 ? out : undefined;
}

function parseIpv6(text: string): Uint8Array | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const head = groups(halves[0] as string, halves.length === 1);
  const tail = halves.length === 2 ? groups(halves[1] as string, true) : [];
  if (head === undefined || tail === undefined) return undefined;
  const total = head.length + tail.length;
  if (halves.length === 1 ? total !== 16 : total > 14) return undefined;
  const out = new Uint8Array(16);
  out.set(head, 0);
  out.set(tail, 16 - tail.length);
  return out;
}

/** The bytes of colon-separated hex groups; the last may be dotted IPv4 when `last` allows. */
function groups(text: string, last: boolean): number[] | undefined {
  if (text === "") return [];
  const bytes: number[] = [];
  const parts = text.split(":");
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    if (last && i === parts.length - 1 && part.includes(".")) {
      const v4 = parseIpv4(part);
      if (v4 === undefined) return undefined;
      bytes.push(...v4);
    } else {
      if (!/^[0-9a-fA-F]{1,4}$/.test(part)) return undefined;
      const value = Number.parseInt(part, 16);
      bytes.push(value >> 8, value & 0xff);
    }
  }
  return bytes;
}

function isIpv4Mapped(bytes: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

/**
 * The key per-IP limits count by: the IPv4 address (also for ::ffff:a.b.c.d), or the /64
 * prefix of an IPv6 address, since one IPv6 host usually owns a whole /64.
 * Text that is not an IP address is its own key.
 */
export function addressGroupKey(text: string): string {
  // A dotted quad as the OS writes it (no leading zeros) is its own key: no parse, no copy.
  if (isCanonicalIpv4(text)) return text;
  const bytes = parseIp(text);
  return bytes === undefined ? text : groupKeyOf(bytes);
}

/** What parseIpv4 accepts, checked without allocating: four parts, 0-255, no leading zero. */
function isCanonicalIpv4(text: string): boolean {
  let parts = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      if (digits === 0 || ++parts > 4) return false;
      value = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39) {
      if (digits > 0 && value === 0) return false;
      value = value * 10 + (c - 0x30);
      if (++digits > 3 || value > 255) return false;
    } else {
      return false;
    }
  }
  return parts === 4;
}

/** addressGroupKey for an address already parsed. */
export function groupKeyOf(bytes: Uint8Array): string {
  if (isIpv4Mapped(bytes)) return `${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
  let key = "";
  for (let i = 0; i < 8; i += 2) {
    key += `${(((bytes[i] as number) << 8) | (bytes[i + 1] as number)).toString(16)}:`;
  }
  return `${key}:/64`;
}
