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

  it("has send-wait and send-error series at 0 before the first one, so rate() sees it", async () => {
    const text = await new DaemonMetrics("0.0.0-test").render(() => stats({}));
    expect(text).toContain('chat_send_waits_total{code="EAGAIN"} 0');
    expect(text).toContain('chat_send_waits_total{code="ENOBUFS"} 0');
    expect(text).toContain('chat_send_errors_total{code="ENOBUFS"} 0');
    expect(text).toContain('chat_send_errors_total{code="QUEUE_FULL"} 0');
  });

  it("counts refusals by reason, every reason at 0 from the start, and the capacity", async () => {
    const metrics = new DaemonMetrics("0.0.0-test", { maxUsers: 500, node: "chat-a" });
    const idle = stats({});
    const text = await metrics.render(() => ({
      ...idle,
      refused: 3,
      refusedByReason: { ...idle.refusedByReason, "server-full": 2, banned: 1 },
    }));
    expect(text).toContain('chat_refusals_total{reason="server-full"} 2');
    expect(text).toContain('chat_refusals_total{reason="banned"} 1');
    expect(text).toContain('chat_refusals_total{reason="too-many-from-address"} 0');
    expect(text).toContain("chat_max_users 500");
  });
});
