import { type ParseArgsConfig, parseArgs } from "node:util";

/** A bad command line: `message` is one line, ready for stderr before exit code 2. */
export class CommandLineError extends Error {
  override readonly name = "CommandLineError";
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** What `readCommandLine` returns: node:util's values, typed by the option table. */
export type CommandLineValues<O extends Options> = ReturnType<
  typeof parseArgs<{ options: O; strict: true; allowPositionals: false }>
>["values"];

/**
 * node:util `parseArgs`, the one way every chat-udp command reads its flags (server, terminal
 * client, conformance kit, bench): strict, no positionals, a flag given twice refused, and
 * node's several-sentence errors cut to one line. A leading "--" (pnpm passes the one of
 * `pnpm start -- --name x` through) is ignored.
 */
export function readCommandLine<O extends Options>(
  argv: readonly string[],
  options: O,
): CommandLineValues<O> {
  const args = argv[0] === "--" ? argv.slice(1) : [...argv];
  const parsed = (() => {
    try {
      return parseArgs({ args, options, strict: true, allowPositionals: false, tokens: true });
    } catch (error) {
      throw new CommandLineError(describeParseError(error));
    }
  })();
  const seen = new Set<string>();
  for (const token of parsed.tokens) {
    if (token.kind !== "option" || options[token.name]?.multiple) continue;
    if (seen.has(token.name)) throw new CommandLineError(`--${token.name} given twice`);
    seen.add(token.name);
  }
  return parsed.values as CommandLineValues<O>;
}

// node:util's messages run to several sentences; keep one short line.
function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  const quoted = /'([^']*)'/.exec(message)?.[1] ?? "";
  switch (code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown option ${quoted} (see --help)`;
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
      return `unexpected argument ${quoted} (see --help)`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE": {
      // "-v, --verbose" when the option has a short form: name the long one.
      const flag = quoted.split(/[\s,]+/).find((part) => part.startsWith("--")) ?? quoted;
      if (message.includes("does not take an argument")) return `${flag} takes no value`;
      if (message.includes("ambiguous")) {
        return `${flag}: write a value that starts with "-" as ${flag}=-…`;
      }
      return `${flag} needs a value`;
    }
    default:
      return message.split("\n")[0] ?? "bad arguments";
  }
}
