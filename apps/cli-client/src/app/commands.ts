/*
 * What a line typed in the input means. Plain text is a broadcast; "/" starts a command;
 * "//" sends a line that starts with "/" (as WeeChat does).
 */

export type Command =
  | { kind: "broadcast"; text: string }
  | { kind: "msg"; to: string; text: string }
  /** An action, "/me waves": sent as that plain text (docs/protocol.md#client-conventions). */
  | { kind: "me"; text: string }
  | { kind: "windows" }
  /** /ignore without a name lists who is ignored. */
  | { kind: "ignore"; user?: string }
  | { kind: "unignore"; user: string }
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
  { usage: "/msg <user> <text>", description: "send a private message (also /m)" },
  { usage: "/me <action>", description: "say what you do: * you wave" },
  { usage: "/query <user>", description: "open a window to talk to one user (also /q)" },
  { usage: "/window <n>|list", description: "show window n (also /w, Alt+1..9), or list them" },
  { usage: "/ignore [<user>]", description: "hide a user's messages (look-alikes too); list" },
  { usage: "/unignore <user>", description: "show their messages again" },
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
  "/me",
  "/ignore",
  "/unignore",
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

/** The commands this client knows, short forms included: an alias cannot take their names. */
const BUILT_IN = new Set([
  ...COMMAND_NAMES.map((name) => name.slice(1)),
  ...["m", "q", "w", "wc", "exit"],
]);

/**
 * What a typed line means. `aliases` (config.json) maps a word to the command it stands
 * for: with {"j": "query"}, "/j bob" is "/query bob". Built-in names win; no alias expands
 * into another.
 */
export function parseCommand(
  line: string,
  aliases: Readonly<Record<string, string>> = {},
): Command {
  if (line.trim() === "") return { kind: "none" };
  if (line.startsWith("//")) return { kind: "broadcast", text: line.slice(1) };
  if (!line.startsWith("/")) return { kind: "broadcast", text: line };
  const match = /^\/(\S*)\s*([\s\S]*)$/u.exec(line) as RegExpExecArray;
  const name = (match[1] as string).toLowerCase();
  const alias = BUILT_IN.has(name) ? undefined : aliases[name];
  if (alias !== undefined) return parseCommand(`/${alias} ${match[2] as string}`.trimEnd());
  return parseBuiltIn(name, match[2] as string);
}

function parseBuiltIn(name: string, args: string): Command {
  const rest = args.trim();
  switch (name) {
    case "me":
      return rest === ""
        ? { kind: "error", text: "usage: /me <action>" }
        : { kind: "me", text: args.trimStart() };
    case "ignore":
      if (rest === "") return { kind: "ignore" };
      return /^\S+$/u.test(rest)
        ? { kind: "ignore", user: rest }
        : { kind: "error", text: "usage: /ignore [<user>]" };
    case "unignore": {
      const user = oneWord(rest, "/unignore <user>");
      return typeof user === "string" ? { kind: "unignore", user } : user;
    }
    case "m":
    case "msg": {
      const parts = /^(\S+)\s+([\s\S]*\S[\s\S]*)$/u.exec(args.trimStart());
      if (!parts) return { kind: "error", text: "usage: /msg <user> <text>" };
      return { kind: "msg", to: parts[1] as string, text: parts[2] as string };
    }
    case "q":
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
    case "w":
    case "window":
      if (rest === "list") return { kind: "windows" };
      return /^\d{1,4}$/u.test(rest)
        ? { kind: "window", number: Number(rest) }
        : { kind: "error", text: "usage: /window <number>|list" };
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
