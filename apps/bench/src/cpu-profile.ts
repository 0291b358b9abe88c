/** Reads a V8 .cpuprofile and ranks functions by self time. */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
}

export interface HotSpot {
  /** file:function:line, the file relative to the repository when it is inside it. */
  where: string;
  url: string;
  selfShare: number;
}

/** Functions by their share of all samples, idle time excluded; highest first. */
export function hotSpots(profile: CpuProfile, root = ""): HotSpot[] {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const counts = new Map<string, { url: string; count: number }>();
  let total = 0;
  for (const id of profile.samples) {
    const node = byNode.get(id);
    if (!node || node.callFrame.functionName === "(idle)") continue;
    total++;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace(/^file:\/\//, "").replace(root, "");
    const key = url ? `${file}:${functionName || "(anonymous)"}:${lineNumber + 1}` : functionName;
    const entry = counts.get(key) ?? { url, count: 0 };
    entry.count++;
    counts.set(key, entry);
  }
  return [...counts.entries()]
    .map(([where, { url, count }]) => ({ where, url, selfShare: total ? count / total : 0 }))
    .sort((a, b) => b.selfShare - a.selfShare);
}
