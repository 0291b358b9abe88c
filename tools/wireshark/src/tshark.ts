import { execFileSync, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The dissector under test. */
export const DISSECTOR: string = fileURLToPath(new URL("../chat-udp.lua", import.meta.url));

/** tshark's path, or undefined when it is not installed (`apt-get install tshark`). */
export function findTshark(): string | undefined {
  try {
    return (
      execFileSync("sh", ["-c", "command -v tshark"], { encoding: "utf8" }).trim() || undefined
    );
  } catch {
    return undefined;
  }
}

/** One field of tshark's PDML: its filter name, what Wireshark shows, and its bytes in hex. */
export interface Field {
  readonly name: string;
  readonly show: string;
  readonly value: string;
  readonly showname: string;
}

/** One dissected frame: its fields in tree order, flattened. */
export interface Frame {
  readonly fields: readonly Field[];
  all(name: string): Field[];
  one(name: string): Field | undefined;
}

/**
 * Dissects a capture file with the dissector loaded; `prefs` are `-o` settings. Two passes
 * (-2), as Wireshark's packet list does when it dissects again: a conversation the heuristic
 * claims at its answer shows as CHAT UDP from its first datagram.
 */
export async function dissectFile(
  tshark: string,
  file: string,
  prefs: readonly string[] = [],
): Promise<Frame[]> {
  const args = ["-n", "-2", "-r", file, "-X", `lua_script:${DISSECTOR}`, "-T", "pdml"];
  for (const pref of prefs) args.push("-o", pref);
  const { stdout, stderr, code } = await run(tshark, args);
  if (code !== 0) throw new Error(`tshark exited with ${code}: ${stderr}`);
  // A Lua error while loading the script is only a line on stderr; make it fail the test.
  if (/lua/i.test(stderr) && /error/i.test(stderr)) throw new Error(`tshark: ${stderr}`);
  return parsePdml(stdout);
}

/** The Info column of every frame, as the packet list shows it. */
export async function infoColumns(tshark: string, file: string): Promise<string[]> {
  const args = ["-n", "-2", "-r", file, "-X", `lua_script:${DISSECTOR}`, "-T", "fields"];
  const { stdout, stderr, code } = await run(tshark, [...args, "-e", "_ws.col.Info"]);
  if (code !== 0) throw new Error(`tshark exited with ${code}: ${stderr}`);
  return stdout.replace(/\n$/, "").split("\n");
}

function run(
  command: string,
  args: readonly string[],
): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ stdout, stderr: stripRootWarning(stderr), code });
    });
  });
}

// tshark warns on every run as root; that line says nothing about the dissector.
function stripRootWarning(text: string): string {
  return text
    .split("\n")
    .filter((line) => !line.startsWith("Running as user"))
    .join("\n")
    .trim();
}

/** Every <packet> of tshark's PDML becomes a Frame of its <proto>s and <field>s, in order. */
export function parsePdml(pdml: string): Frame[] {
  const frames: Frame[] = [];
  for (const packet of pdml.split("<packet>").slice(1)) {
    const fields: Field[] = [];
    // Attribute values may hold raw tabs and newlines (a message's text), so not line by line.
    for (const match of packet.matchAll(/<(?:field|proto)\s((?:[^>"]|"[^"]*")*)>/g)) {
      const attrs = attributes(match[1]!);
      fields.push({
        name: attrs.name ?? "",
        show: attrs.show ?? "",
        value: attrs.value ?? "",
        showname: attrs.showname ?? "",
      });
    }
    frames.push(frame(fields));
  }
  return frames;
}

function frame(fields: Field[]): Frame {
  return {
    fields,
    all: (name) => fields.filter((field) => field.name === name),
    one: (name) => fields.find((field) => field.name === name),
  };
}

function attributes(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const match of text.matchAll(/(\w+)="([^"]*)"/g)) out[match[1]!] = unescapeXml(match[2]!);
  return out;
}

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|lt|gt|amp|quot|apos);/gi, (_, entity: string) => {
    const named: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
    if (entity[0] !== "#") return named[entity.toLowerCase()] ?? "";
    const code = entity[1] === "x" ? Number.parseInt(entity.slice(2), 16) : Number(entity.slice(1));
    return String.fromCodePoint(code);
  });
}

/** The expert infos CHAT UDP raised in a frame (chat_udp.truncated, ...). */
export function chatExperts(frame: Frame): string[] {
  return frame.fields.filter((field) => EXPERT_NAMES.has(field.name)).map((field) => field.name);
}

export const EXPERT_NAMES: ReadonlySet<string> = new Set([
  "chat_udp.truncated",
  "chat_udp.trailing_bytes",
  "chat_udp.too_large",
  "chat_udp.unknown_opcode",
  "chat_udp.unexpected_data",
  "chat_udp.missing_separator",
  "chat_udp.empty_list_entry",
  "chat_udp.invalid_utf8",
  "chat_udp.name_refused",
  "chat_udp.message_refused",
]);

/** Signs that the dissector itself failed: a Lua error or an exception Wireshark caught. */
export function dissectorFailures(frame: Frame): Field[] {
  return frame.fields.filter(
    (field) => field.name === "_ws.lua.error" || field.name === "_ws.malformed.expert",
  );
}
