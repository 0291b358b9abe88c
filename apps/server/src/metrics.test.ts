import { ChatServer, resolveSettings } from "@chat/core";
import { describe, expect, it } from "vitest";
import type { DaemonStats } from "./daemon.js";
import { DaemonMetrics } from "./metrics.js";

/** A stats() snapshot of an idle daemon, with the send-side figures given. */
function stats(extra: Partial<DaemonStats>): DaemonStats {
  return {
    ...new ChatServer(resolveSettings({})).stats(),
    sent: 0,
    sentBytes: 0,
    queuedSends: 0,
    errors: {},
    sendWaits: {},
    internalErrors: 0,
    ...extra,
  };
}

describe("DaemonMetrics", () => {
  it("exports send waits by code beside send errors, so a full send buffer shows", async () => {
    const metrics = new DaemonMetrics("0.0.0-test");
    const text = await metrics.render(() =>
      stats({ sendWaits: { EAGAIN: 57, ENOBUFS: 2 }, errors: { EMSGSIZE: 1 } }),
    );
    expect(text).toContain('chat_send_waits_total{code="EAGAIN"} 57');
    expect(text).toContain('chat_send_waits_total{code="ENOBUFS"} 2');
    expect(text).toContain('chat_send_errors_total{code="EMSGSIZE"} 1');
  });

  it("has no send-wait series while nothing waited (node:dgram, or a quiet socket)", async () => {
    const text = await new DaemonMetrics("0.0.0-test").render(() => stats({}));
    expect(text).toContain("# TYPE chat_send_waits_total counter");
    expect(text).not.toMatch(/^chat_send_waits_total\{/m);
  });
});
