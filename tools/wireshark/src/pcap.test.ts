import { describe, expect, it } from "vitest";
import { writePcap } from "./pcap.js";
import { chatExperts, parsePdml } from "./tshark.js";

describe("writePcap", () => {
  it("writes a classic pcap of raw IPv4/UDP records with a valid header checksum", () => {
    const file = writePcap([
      { payload: Uint8Array.of(11, 0, 1, 97), srcPort: 40000, dstPort: 9999 },
    ]);
    expect(file.readUInt32LE(0)).toBe(0xa1b2c3d4);
    expect(file.readUInt32LE(20)).toBe(101); // LINKTYPE_RAW
    expect(file.readUInt32LE(24 + 8)).toBe(20 + 8 + 4); // captured length
    const ip = file.subarray(40, 60);
    let sum = 0;
    for (let i = 0; i < 20; i += 2) sum += ip.readUInt16BE(i);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    expect(sum).toBe(0xffff); // a header with its checksum sums to all ones
    expect(file.readUInt16BE(60)).toBe(40000);
    expect(file.readUInt16BE(62)).toBe(9999);
    expect([...file.subarray(68)]).toEqual([11, 0, 1, 97]);
  });
});

describe("parsePdml", () => {
  it("reads fields in order, attribute values with raw newlines and XML entities", () => {
    const pdml = [
      "<pdml>",
      "<packet>",
      '  <proto name="chat_udp" showname="CHAT UDP" size="8" pos="28">',
      '    <field name="chat_udp.opcode" showname="Opcode: BROADCAST (20)" show="20" value="14"/>',
      '    <field name="chat_udp.message" showname="Message: a\\nb" show="a',
      'b &lt;&amp;&gt; &#x1F44B;" value="610a62"/>',
      '    <field name="chat_udp.truncated" showname="Truncated" show="" value=""/>',
      "  </proto>",
      "</packet>",
      "<packet>",
      "</packet>",
      "</pdml>",
    ].join("\n");
    const [first, second] = parsePdml(pdml);
    expect(first?.fields.map((field) => field.name)).toEqual([
      "chat_udp",
      "chat_udp.opcode",
      "chat_udp.message",
      "chat_udp.truncated",
    ]);
    expect(first?.one("chat_udp.message")).toMatchObject({ show: "a\nb <&> 👋", value: "610a62" });
    expect(first && chatExperts(first)).toEqual(["chat_udp.truncated"]);
    expect(second?.fields).toEqual([]);
  });
});
