/*
 * What a line typed in the input means. Plain text is a broadcast; "/" starts a command;
 * "//" sends a line that starts with "/" (as WeeChat does).
 */

export type Command =
  | { kind: "broadcast"; text: string }
  | { kind: "msg"; to: string; text: string }
  | { kind: "who" }
  | { kind: "query"; user: string }
  | { kind: "window"; number: number }
  | { kind: "close" }
  | { kind: "nick"; name: string }
  | { kind: "server"; address: string }
  | { kind: "log"; on: boolean }
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
  { usage: "/msg <user> <text>", description: "send a private message (filed in their window)" },
  { usage: "/query <user>", description: "open a window to talk to one user" },
  { usage: "/window <n>", description: "show window n (also Alt+1..9, Alt+0)" },
  { usage: "/close", description: "close this query window (also /wc)" },
  { usage: "/nick <name>", description: "change your name" },
  { usage: "/server <host:port>", description: "move to another server" },
  { usage: "/log on|off", description: "log the room and each query to files" },
  { usage: "/who", description: "ask the server who is online" },
  { usage: "/info", description: "server date, version and round-trip time" },
  { usage: "/clear", description: "clear the message log" },
  { usage: "/help", description: "show this help" },
  { usage: "/quit", description: "log out and leave (also /exit, Ctrl-C)" },
];

export const COMMAND_NAMES: readonly string[] = [
  "/msg",
  "/query",
  "/window",
  "/close",
  "/nick",
  "/server",
  "/log",
  "/who",
  "/info",
  "/clear",
  "/help",
  "/quit",
];

function noArguments(
  kind: "who" | "info" | "clear" | "help" | "quit" | "close",
  rest: string,
): Command {
  return rest === "" ? { kind } : { kind: "error", text: `usage: /${kind} (takes no arguments)` };
}

/** A command that takes exactly one word. */
function oneWord(rest: string, usage: string): string | Command {
  return /^\S+$/u.test(rest) ? rest : { kind: "error", text: `usage: ${usage}` };
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
    case "query": {
      const user = oneWord(rest, "/query <user>");
      return typeof user === "string" ? { kind: "query", user } : user;
    }
    case "nick": {
      const nick = oneWord(rest, "/nick <name>");
      return typeof nick === "string" ? { kind: "nick", name: nick } : nick;
    }
    case "server": {
      const address = oneWord(rest, "/server <host:port>");
      return typeof address === "string" ? { kind: "server", address } : address;
    }
    case "window":
      return /^\d{1,4}$/u.test(rest)
        ? { kind: "window", number: Number(rest) }
        : { kind: "error", text: "usage: /window <number>" };
    case "log":
      return rest === "on" || rest === "off"
        ? { kind: "log", on: rest === "on" }
        : { kind: "error", text: "usage: /log on|off" };
    case "wc":
      return noArguments("close", rest);
    case "close":
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
