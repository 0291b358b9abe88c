import { readFileSync } from "node:fs";

/** The kernel's UDP counters (/proc/net/snmp, "Udp:" rows), machine-wide. */
export interface UdpCounters {
  InDatagrams: number;
  NoPorts: number;
  InErrors: number;
  OutDatagrams: number;
  RcvbufErrors: number;
  SndbufErrors: number;
}

export function udpCounters(): UdpCounters {
  const rows = readFileSync("/proc/net/snmp", "utf8")
    .split("\n")
    .filter((line) => line.startsWith("Udp:"));
  const names = (rows[0] ?? "").split(/\s+/).slice(1);
  const values = (rows[1] ?? "").split(/\s+/).slice(1).map(Number);
  const all = Object.fromEntries(names.map((name, i) => [name, values[i] ?? 0]));
  return {
    InDatagrams: all.InDatagrams ?? 0,
    NoPorts: all.NoPorts ?? 0,
    InErrors: all.InErrors ?? 0,
    OutDatagrams: all.OutDatagrams ?? 0,
    RcvbufErrors: all.RcvbufErrors ?? 0,
    SndbufErrors: all.SndbufErrors ?? 0,
  };
}

/** Resident memory of a process in KiB (VmRSS of /proc/<pid>/status). */
export function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (match === null) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]);
}
