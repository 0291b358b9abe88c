#!/usr/bin/env python3
"""Sends UDP datagrams with forged IPv4 source addresses through a raw socket (root only).

Used by forged-sources.int.test.ts, never by the product. It refuses any destination outside
127.0.0.0/8, so whatever a test asks, nothing leaves the machine. Reads one JSON job per
line on stdin and answers each with one JSON line on stdout:

  {"dst": "127.0.0.1", "dport": 9999, "payload": "<hex>",
   "sources": [["127.0.1.1", 4000], ...]}            # one datagram per source
  {"dst": ..., "dport": ..., "payload": ..., "src": "127.0.1.1",
   "ports": [1024, 65535], "pps": 0}                  # one per source port, ports inclusive

`pps` (datagrams per second, 0 = as fast as the socket takes them) paces a job.
The answer is {"sent": n, "bytes": b}: UDP payload bytes, what the server receives.
"""
import ipaddress
import json
import socket
import struct
import sys
import time

LOOPBACK = ipaddress.ip_network("127.0.0.0/8")


def datagram(src, sport, dst, dport, payload):
    udp_length = 8 + len(payload)
    # Checksum 0: "no checksum", allowed for UDP over IPv4 (RFC 768).
    udp = struct.pack("!HHHH", sport, dport, udp_length, 0) + payload
    # Total length, checksum and ID are filled in by the kernel (raw(7), IP_HDRINCL).
    ip = struct.pack(
        "!BBHHHBBH4s4s",
        0x45, 0, 20 + udp_length, 0, 0, 64, socket.IPPROTO_UDP, 0,
        socket.inet_aton(src), socket.inet_aton(dst),
    )
    return ip + udp


def run(job, raw):
    dst = job["dst"]
    if ipaddress.ip_address(dst) not in LOOPBACK:
        raise ValueError(f"refusing to send to {dst}: loopback only")
    dport = int(job["dport"])
    payload = bytes.fromhex(job["payload"])
    if "sources" in job:
        sources = [(src, int(port)) for src, port in job["sources"]]
    else:
        low, high = job["ports"]
        sources = [(job["src"], port) for port in range(int(low), int(high) + 1)]
    pps = float(job.get("pps", 0))
    start = time.monotonic()
    for i, (src, sport) in enumerate(sources):
        if ipaddress.ip_address(src) not in LOOPBACK:
            raise ValueError(f"refusing source {src}: loopback only")
        packet = datagram(src, sport, dst, dport, payload)
        while True:
            try:
                raw.sendto(packet, (dst, 0))
                break
            except BlockingIOError:
                time.sleep(0.001)
            except OSError as error:
                if error.errno != 105:  # ENOBUFS: the queue is full, wait
                    raise
                time.sleep(0.001)
        if pps > 0:
            ahead = (i + 1) / pps - (time.monotonic() - start)
            if ahead > 0:
                time.sleep(ahead)
    return {"sent": len(sources), "bytes": len(sources) * len(payload)}


def main():
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    raw.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            answer = run(json.loads(line), raw)
        except Exception as error:  # reported to the test, which fails with it
            answer = {"error": str(error)}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
