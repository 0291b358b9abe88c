/** One UDP datagram between two loopback ports. */
export interface UdpRecord {
  readonly payload: Uint8Array;
  readonly srcPort: number;
  readonly dstPort: number;
}

const LINKTYPE_RAW = 101; // each record starts at the IPv4 header
const IPV4_HEADER = 20;
const UDP_HEADER = 8;
const LOOPBACK = [127, 0, 0, 1];

/** A classic pcap file (microsecond timestamps) of IPv4/UDP datagrams on 127.0.0.1. */
export function writePcap(records: readonly UdpRecord[]): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65_535, 16); // snaplen
  header.writeUInt32LE(LINKTYPE_RAW, 20);
  const parts: Buffer[] = [header];
  records.forEach((record, index) => {
    const packet = ipv4Udp(record);
    const recordHeader = Buffer.alloc(16);
    recordHeader.writeUInt32LE(index, 0); // one second apart, so frame N is easy to spot
    recordHeader.writeUInt32LE(packet.length, 8);
    recordHeader.writeUInt32LE(packet.length, 12);
    parts.push(recordHeader, packet);
  });
  return Buffer.concat(parts);
}

function ipv4Udp({ payload, srcPort, dstPort }: UdpRecord): Buffer {
  const total = IPV4_HEADER + UDP_HEADER + payload.length;
  const packet = Buffer.alloc(total);
  packet[0] = 0x45; // version 4, 5 words of header
  packet.writeUInt16BE(total, 2);
  packet[8] = 64; // TTL
  packet[9] = 17; // UDP
  packet.set(LOOPBACK, 12);
  packet.set(LOOPBACK, 16);
  packet.writeUInt16BE(checksum(packet.subarray(0, IPV4_HEADER)), 10);
  packet.writeUInt16BE(srcPort, 20);
  packet.writeUInt16BE(dstPort, 22);
  packet.writeUInt16BE(UDP_HEADER + payload.length, 24);
  // UDP checksum 0: none, which IPv4 allows.
  packet.set(payload, IPV4_HEADER + UDP_HEADER);
  return packet;
}

function checksum(header: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < header.length; i += 2) sum += (header[i]! << 8) | header[i + 1]!;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}
