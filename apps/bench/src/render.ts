/** Plain-text tables for the terminal and Markdown tables for BENCHMARKS.md. */
import type { BenchReport, Figure } from "./report.js";

function formatNumber(value: number | null): string {
  if (value === null || Number.isNaN(value)) return "n/a";
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString("en-US");
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function ratioText(figure: Figure): string {
  return figure.ratio === null ? "" : `${figure.ratio.toFixed(2)}x`;
}

function rows(report: BenchReport): string[][] {
  return report.figures.map((f) => [
    f.scenario,
    f.metric,
    `${formatNumber(f.ours)}${f.unit && f.ours !== null ? ` ${f.unit}` : ""}`,
    f.baseline === null ? "—" : `${formatNumber(f.baseline)}${f.unit ? ` ${f.unit}` : ""}`,
    ratioText(f),
  ]);
}

const HEADER = ["scenario", "figure", "ours", "baseline", "ours/baseline"];

export function textTable(report: BenchReport): string {
  const table = [HEADER, ...rows(report)];
  const widths = HEADER.map((_, c) => Math.max(...table.map((row) => (row[c] ?? "").length)));
  const line = (row: string[]) =>
    row
      .map((cell, c) => (c >= 2 ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0)))
      .join("  ");
  return [
    line(HEADER),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...rows(report).map(line),
  ].join("\n");
}

export function targetLines(report: BenchReport): string[] {
  return report.targets.map(
    (t) =>
      `${t.pass ? "PASS" : "FAIL"}  ${t.name}: ${formatNumber(t.value)}${t.unit === "x" ? "x" : ` ${t.unit}`} ` +
      `(target ${t.comparison} ${t.limit}${t.unit === "x" ? "x" : ` ${t.unit}`})`,
  );
}

export function markdownTable(report: BenchReport): string {
  const body = rows(report).map((row) => `| ${row.join(" | ")} |`);
  return [`| ${HEADER.join(" | ")} |`, `|${HEADER.map(() => "---").join("|")}|`, ...body].join(
    "\n",
  );
}

export function markdownTargets(report: BenchReport): string {
  const body = report.targets.map(
    (t) =>
      `| ${t.name} | ${formatNumber(t.value)}${t.unit === "x" ? "x" : ` ${t.unit}`} | ${t.comparison} ${t.limit}${t.unit === "x" ? "x" : ` ${t.unit}`} | ${t.pass ? "PASS" : "**FAIL**"} |`,
  );
  return ["| target | measured | goal | |", "|---|---|---|---|", ...body].join("\n");
}
