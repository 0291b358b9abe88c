/**
 * An SVG chart of throughput and latency against offered load, built as a string (no
 * dependencies): one column per ladder scenario, throughput on top (with the "delivered =
 * offered" diagonal), p50 and p99 latency below; log scales throughout.
 */
import type { BenchReport } from "./report.js";
import type { LadderResult } from "./scenarios/ladder.js";
import type { ServerKind } from "./servers.js";

interface Series {
  name: string;
  color: string;
  dash: string;
  points: Array<[number, number]>;
}

interface Panel {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  diagonal: boolean;
}

const PANEL_W = 440;
const PANEL_H = 260;
const MARGIN = { left: 70, right: 20, top: 34, bottom: 46 };
const COLORS: Record<ServerKind, string> = { ours: "#1f6feb", baseline: "#8c959f" };

const escapeXml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function logTicks(min: number, max: number): number[] {
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= min && v <= max) ticks.push(v);
    }
  }
  return ticks;
}

function tickLabel(v: number): string {
  if (v >= 1e6) return `${v / 1e6}M`;
  if (v >= 1e3) return `${v / 1e3}k`;
  return String(v);
}

function drawPanel(panel: Panel, originX: number, originY: number): string {
  const points = panel.series.flatMap((s) => s.points).filter(([x, y]) => x > 0 && y > 0);
  if (points.length === 0) {
    return `<text x="${originX + PANEL_W / 2}" y="${originY + PANEL_H / 2}" text-anchor="middle">${escapeXml(panel.title)}: no data</text>`;
  }
  const xs = points.map(([x]) => x);
  const ys = points.map(([, y]) => y);
  let [xMin, xMax] = [Math.min(...xs) / 1.2, Math.max(...xs) * 1.2];
  let [yMin, yMax] = [Math.min(...ys) / 1.5, Math.max(...ys) * 1.5];
  if (panel.diagonal) {
    xMin = yMin = Math.min(xMin, yMin);
    xMax = yMax = Math.max(xMax, yMax);
  }
  const plotW = PANEL_W - MARGIN.left - MARGIN.right;
  const plotH = PANEL_H - MARGIN.top - MARGIN.bottom;
  const left = originX + MARGIN.left;
  const top = originY + MARGIN.top;
  const sx = (x: number) =>
    left + ((Math.log(x) - Math.log(xMin)) / (Math.log(xMax) - Math.log(xMin))) * plotW;
  const sy = (y: number) =>
    top + plotH - ((Math.log(y) - Math.log(yMin)) / (Math.log(yMax) - Math.log(yMin))) * plotH;
  const out: string[] = [];
  out.push(
    `<text x="${left + plotW / 2}" y="${originY + 20}" text-anchor="middle" font-weight="bold">${escapeXml(panel.title)}</text>`,
  );
  out.push(
    `<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#d0d7de"/>`,
  );
  for (const t of logTicks(xMin, xMax)) {
    const x = sx(t).toFixed(1);
    out.push(`<line x1="${x}" y1="${top}" x2="${x}" y2="${top + plotH}" stroke="#eaeef2"/>`);
    out.push(
      `<text x="${x}" y="${top + plotH + 16}" text-anchor="middle" font-size="11">${tickLabel(t)}</text>`,
    );
  }
  for (const t of logTicks(yMin, yMax)) {
    const y = sy(t).toFixed(1);
    out.push(`<line x1="${left}" y1="${y}" x2="${left + plotW}" y2="${y}" stroke="#eaeef2"/>`);
    out.push(
      `<text x="${left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle" font-size="11">${tickLabel(t)}</text>`,
    );
  }
  out.push(
    `<text x="${left + plotW / 2}" y="${top + plotH + 36}" text-anchor="middle" font-size="12">${escapeXml(panel.xLabel)}</text>`,
  );
  out.push(
    `<text transform="translate(${originX + 16} ${top + plotH / 2}) rotate(-90)" text-anchor="middle" font-size="12">${escapeXml(panel.yLabel)}</text>`,
  );
  if (panel.diagonal) {
    out.push(
      `<line x1="${sx(xMin)}" y1="${sy(xMin)}" x2="${sx(xMax)}" y2="${sy(xMax)}" stroke="#d0d7de" stroke-dasharray="2 3"/>`,
    );
  }
  panel.series.forEach((series, i) => {
    const valid = series.points.filter(([x, y]) => x > 0 && y > 0);
    if (valid.length > 0) {
      const path = valid.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(" ");
      out.push(
        `<polyline points="${path}" fill="none" stroke="${series.color}" stroke-width="2" stroke-dasharray="${series.dash}"/>`,
      );
      for (const [x, y] of valid) {
        out.push(
          `<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="2.5" fill="${series.color}"/>`,
        );
      }
    }
    const ly = top + 12 + i * 15;
    out.push(
      `<line x1="${left + 8}" y1="${ly}" x2="${left + 30}" y2="${ly}" stroke="${series.color}" stroke-width="2" stroke-dasharray="${series.dash}"/>`,
    );
    out.push(
      `<text x="${left + 34}" y="${ly}" dominant-baseline="middle" font-size="11">${escapeXml(series.name)}</text>`,
    );
  });
  return out.join("\n");
}

function ladderPanels(ladder: LadderResult, traffic: "broadcast" | "private"): [Panel, Panel] {
  // Broadcast throughput is counted in deliveries (one message reaches every user).
  const scale = traffic === "broadcast" ? ladder.users : 1;
  const unit = traffic === "broadcast" ? "deliveries/s" : "msgs/s";
  const kinds: ServerKind[] = ["ours", "baseline"];
  const throughput = kinds.map<Series>((kind) => ({
    name: kind,
    color: COLORS[kind],
    dash: "none",
    points: ladder.rungs.flatMap((r) => {
      const step = r[kind];
      if (!step) return [];
      const y = traffic === "broadcast" ? step.deliveriesPerSecond : step.messagesPerSecond;
      return [[r.rate * scale, y] as [number, number]];
    }),
  }));
  const latency = kinds.flatMap((kind) =>
    (["p99", "p50"] as const).map<Series>((p) => ({
      name: `${kind} ${p}`,
      color: COLORS[kind],
      dash: p === "p99" ? "none" : "5 4",
      points: ladder.rungs.flatMap((r) => {
        const step = r[kind];
        return step ? [[r.rate * scale, step.latencyMs[p]] as [number, number]] : [];
      }),
    })),
  );
  const title =
    traffic === "broadcast" ? `broadcast, ${ladder.users} users` : `private, ${ladder.users} users`;
  return [
    {
      title: `${title}: throughput`,
      xLabel: `offered ${unit}`,
      yLabel: `delivered ${unit}`,
      series: throughput,
      diagonal: true,
    },
    {
      title: `${title}: latency`,
      xLabel: `offered ${unit}`,
      yLabel: "one-way latency, ms",
      series: latency,
      diagonal: false,
    },
  ];
}

export function renderChart(report: BenchReport): string {
  const columns: Array<[Panel, Panel]> = [];
  if (report.scenarios.broadcast)
    columns.push(ladderPanels(report.scenarios.broadcast, "broadcast"));
  if (report.scenarios.private) columns.push(ladderPanels(report.scenarios.private, "private"));
  const width = Math.max(1, columns.length) * PANEL_W;
  const height = 2 * PANEL_H + 30;
  const body = columns.flatMap(([top, bottom], c) => [
    drawPanel(top, c * PANEL_W, 0),
    drawPanel(bottom, c * PANEL_W, PANEL_H),
  ]);
  const { machine } = report;
  const caption = `${report.mode} run ${report.startedAt}, ${machine.nproc} CPUs (${machine.cpu}), node ${machine.node}; server and generator share the CPUs`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<title>CHAT UDP server vs baseline: throughput and latency against offered load</title>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    ...body,
    `<text x="8" y="${height - 10}" font-size="11" fill="#57606a">${escapeXml(caption)}</text>`,
    "</svg>",
    "",
  ].join("\n");
}
