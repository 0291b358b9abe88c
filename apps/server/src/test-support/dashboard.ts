import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const DASHBOARD_PATH: string = fileURLToPath(
  new URL("../../../../deploy/grafana-dashboard.json", import.meta.url),
);

interface Panel {
  title?: string;
  targets?: Array<{ expr?: string }>;
  panels?: Panel[];
}

/** Every PromQL expression of the dashboard: each panel's targets and each variable's query. */
export function dashboardQueries(): Array<{ where: string; expr: string }> {
  const dashboard = JSON.parse(readFileSync(DASHBOARD_PATH, "utf8")) as {
    panels: Panel[];
    templating: { list: Array<{ name: string; query: { query: string } | string }> };
  };
  const queries: Array<{ where: string; expr: string }> = [];
  const walk = (panels: Panel[]) => {
    for (const panel of panels) {
      for (const target of panel.targets ?? []) {
        if (target.expr) queries.push({ where: `panel "${panel.title}"`, expr: target.expr });
      }
      walk(panel.panels ?? []);
    }
  };
  walk(dashboard.panels);
  for (const variable of dashboard.templating.list) {
    const query = typeof variable.query === "string" ? variable.query : variable.query.query;
    // label_values(metric, label) is Grafana's, not PromQL: its first argument is a metric.
    const metric = /^label_values\(([^,)]+)/.exec(query)?.[1];
    queries.push({ where: `variable $${variable.name}`, expr: metric ?? query });
  }
  return queries;
}

const NOT_METRICS = new Set([
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "bool",
  "and",
  "or",
  "unless",
  "offset",
  "inf",
  "nan",
]);

/** The metric names a PromQL expression reads: identifiers that are not functions or keywords. */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // label values, which may hold anything
    .replace(/\{[^}]*\}/g, "") // label matchers
    .replace(/\[[^\]]*\]/g, "") // range selectors ([$__rate_interval])
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, "");
  const names = new Set<string>();
  for (const match of bare.matchAll(/(?<![\w$.])([a-zA-Z_:][\w:]*)(\s*\()?/g)) {
    const [, name, call] = match;
    if (call || NOT_METRICS.has(name!.toLowerCase())) continue;
    names.add(name!);
  }
  return [...names];
}
