/*
 * What a line typed in the input means. Plain text is a broadcast; "/" starts a command;
 * "//" sends a line that starts with "/" (as WeeChat does).
 */

export type Command =
  | { kind: "broadcast"; text: string }
  | { kind: "msg"; to: string; text: string }
  | { kind: "who" }
  | { kind: "info" }
  | { kind: "clear" }
  | { kind: "help" }
  | { kind: "quit" }
  | { kind: "none" }
  /** A usage error or an unknown command, answered in the log. */
  | { kind: "error"; text: string };

export interface CommandHelp {
  usage: string;
  description: string;
}

export const COMMANDS: readonly CommandHelp[] = [
  { usage: "/msg <user> <text>", description: "send a private message" },
  { usage: "/who", description: "ask the server who is online" },
  { usage: "/info", description: "server date, version and round-trip time" },
  { usage: "/clear", description: "clear the message log" },
  { usage: "/help", description: "show this help" },
  { usage: "/quit", description: "log out and leave (also /exit, Ctrl-C)" },
];

export const COMMAND_NAMES: readonly string[] = [
  "/msg",
  "/who",
  "/info",
  "/clear",
  "/help",
  "/quit",
];

function noArguments(kind: "who" | "info" | "clear" | "help" | "quit", rest: string): Command {
  return rest === "" ? { kind } : { kind: "error", text: `usage: /${kind} (takes no arguments)` };
}

export function parseCommand(line: string): Command {
  if (line.trim() === "") return { kind: "none" };
  if (line.startsWith("//")) return { kind: "broadcast", text: line.slice(1) };
  if (!line.startsWith("/")) return { kind: "broadcast", text: line };
  const match = /^\/(\S*)\s*([\s\S]*)$/u.exec(line) as RegExpExecArray;
  const name = (match[1] as string).toLowerCase();
  const rest = (match[2] as string).trim();
  switch (name) {
    case "msg": {
      const parts = /^(\S+)\s+([\s\S]*\S[\s\S]*)$/u.exec((match[2] as string).trimStart());
      if (!parts) return { kind: "error", text: "usage: /msg <user> <text>" };
      return { kind: "msg", to: parts[1] as string, text: parts[2] as string };
    }
    case "who":
    case "info":
    case "clear":
    case "help":
    case "quit":
      return noArguments(name, rest);
    case "exit":
      return noArguments("quit", rest);
    case "":
      return { kind: "error", text: "type a command after /, or /help for the list" };
    default:
      return { kind: "error", text: `unknown command /${name} (try /help; //text sends /text)` };
  }
}
