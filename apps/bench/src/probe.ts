/**
 * Preloaded into every server the bench runs (the daemon and the baseline alike, through
 * `node --import probe.js`), so both are measured the same way without either carrying
 * bench code. It reports, over UDP to the bench on loopback, every `BENCH_PROBE_MS`:
 * memory, CPU time and the longest event-loop stall since the previous report; on a "gc"
 * request it collects garbage and
 * answers with the heap that is really live. Its socket and timer are unref'd: the probe
 * never keeps a server alive. With BENCH_PROBE_CPU_PROFILE set it also runs the V8 sampling
 * profiler (as node --cpu-prof would, which NODE_OPTIONS does not allow) until asked to stop.
 */
import { createSocket } from "node:dgram";
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

const port = Number(process.env.BENCH_PROBE_PORT);
/** Where to write a V8 CPU profile when the bench asks ("profile-stop"); unset: no profiling. */
const profilePath = process.env.BENCH_PROBE_CPU_PROFILE;
const intervalMs = Number(process.env.BENCH_PROBE_MS ?? "100");

if (port > 0) startProbe(port, intervalMs);

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

function startProbe(benchPort: number, everyMs: number): void {
  // Exposes gc() without a node flag, so the server's own command line stays as users run it.
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  // A 5 ms ticker: how late a tick fires is how long the loop could not run a timer.
  // (perf_hooks' monitorEventLoopDelay loses the first stall after each reset(), so a
  // stall right after a report, in the same timers phase, went unseen.) A stall is also
  // measured in the CPU time the process used during it: on a machine busy with other
  // work a process waits for a core, which stalls the loop without the code being at fault.
  const TICK_MS = 5;
  let lastTick = performance.now();
  let lastCpuMs = cpuMs();
  let worstStallMs = 0;
  let worstBusyStallMs = 0;
  setInterval(() => {
    const now = performance.now();
    const cpu = cpuMs();
    const gap = now - lastTick;
    worstStallMs = Math.max(worstStallMs, gap - TICK_MS);
    worstBusyStallMs = Math.max(worstBusyStallMs, Math.min(gap, cpu - lastCpuMs) - TICK_MS);
    lastTick = now;
    lastCpuMs = cpu;
  }, TICK_MS).unref();
  const socket = createSocket("udp4");
  const send = (message: object) => {
    socket.send(JSON.stringify(message), benchPort, "127.0.0.1");
  };
  const memory = () => {
    const usage = process.memoryUsage();
    return { rss: usage.rss, heapUsed: usage.heapUsed, heapTotal: usage.heapTotal };
  };
  const profiler = profilePath ? startProfiler() : undefined;
  socket.on("message", (bytes) => {
    const request = JSON.parse(bytes.toString()) as { type: string; id: number };
    if (request.type === "gc") {
      gc();
      gc();
      send({ type: "memory", id: request.id, ...memory() });
    } else if (request.type === "profile-stop" && profiler && profilePath) {
      profiler.post("Profiler.stop", (error, result) => {
        if (!error) writeFileSync(profilePath, JSON.stringify(result.profile));
        send({ type: "profile-written", id: request.id, ok: !error });
      });
    }
  });
  socket.bind(0, "127.0.0.1", () => {
    socket.unref();
    const timer = setInterval(() => {
      const cpu = process.cpuUsage();
      send({
        type: "stats",
        pid: process.pid,
        ...memory(),
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        loopDelayMaxMs: worstStallMs,
        loopBusyStallMaxMs: worstBusyStallMs,
      });
      worstStallMs = 0;
      worstBusyStallMs = 0;
    }, everyMs);
    timer.unref();
    send({ type: "hello", pid: process.pid });
  });
}

function startProfiler(): Session {
  const session = new Session();
  session.connect();
  session.post("Profiler.enable");
  // 1 ms between samples, as node --cpu-prof takes them.
  session.post("Profiler.setSamplingInterval", { interval: 1000 });
  session.post("Profiler.start");
  return session;
}
