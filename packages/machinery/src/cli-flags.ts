// Command-line flags for the daemons (node agent, proxy, scheduler, controller-manager), declared with the same option
// records as yargs (`apiClientFlags`, `logLevelFlags`) and typed from them. yargs stays loaded for
// the life of a process (measured on Node 20 beside the agent's modules, after a full GC: 0.9-1.1 MB
// of JS heap and 1 MB more of the node binary's pages, 3-4 MB resident in all). A daemon on every
// node needs only this: long flags (`--name value`, `--name=value`, `--no-name` for a boolean),
// defaults, choices, aliases, repeatable (array) flags, unknown flags refused, and --help. The other
// mains (skiffctl, apiserver, lab, compose, cluster) keep yargs (commands, richer help). Errors read as pflag's (Kubernetes' flag library):
// `unknown flag: --foo`.

export type FlagType = 'string' | 'number' | 'boolean';

export interface FlagSpec {
  /** default 'string' */
  type?: FlagType;
  default?: unknown;
  describe?: string;
  choices?: readonly (string | number)[];
  /** another name for the same flag */
  alias?: string;
  /** repeatable: every value is kept, in order (`--x a --x b`, or `--x a b`) */
  array?: boolean;
}

type Scalar<S> = S extends { choices: readonly (infer C)[] } ? C : S extends { type: 'number' } ? number : S extends { type: 'boolean' } ? boolean : string;
type Value<S> = S extends { array: true } ? Scalar<S>[] : Scalar<S>;
/** The parsed value of each flag: a flag with a default always has one. */
export type FlagValues<O> = { [K in keyof O]: O[K] extends { default: unknown } ? Value<O[K]> : Value<O[K]> | undefined };

export type FlagParse<O> = { values: FlagValues<O> } | { help: string } | { error: string };

export class CliFlags<O extends Record<string, FlagSpec> = Record<never, FlagSpec>> {
  private name = 'command';
  private usageText = '$0 [flags]';
  private readonly specs = new Map<string, FlagSpec>();

  constructor(private readonly args: readonly string[]) {}

  scriptName(name: string): this {
    this.name = name;
    return this;
  }

  /** The first line of --help; `$0` is the script name. */
  usage(text: string): this {
    this.usageText = text;
    return this;
  }

  option<K extends string, const S extends FlagSpec>(name: K, spec: S): CliFlags<O & { [k in K]: S }> {
    if (this.specs.has(name) || name === 'help') throw new Error(`flag --${name} declared twice`);
    this.specs.set(name, spec);
    return this as unknown as CliFlags<O & { [k in K]: S }>;
  }

  options<const R extends Record<string, FlagSpec>>(specs: R): CliFlags<O & R> {
    for (const [name, spec] of Object.entries(specs)) this.option(name, spec);
    return this as unknown as CliFlags<O & R>;
  }

  /** The flags' values, or --help's text, or the first error: no output, no exit. */
  parseArgs(): FlagParse<O> {
    const values: Record<string, unknown> = {};
    for (const [name, spec] of this.specs) if (spec.default !== undefined) values[name] = Array.isArray(spec.default) ? [...(spec.default as unknown[])] : spec.default;
    const given = new Set<string>();
    const args = this.args;
    for (let i = 0; i < args.length; i++) {
      const arg = args[i]!;
      if (!arg.startsWith('--') || arg === '--') return { error: arg.startsWith('-') && arg.length > 1 ? `unknown shorthand flag: ${arg}` : `unknown argument: ${arg}` };
      const eq = arg.indexOf('=');
      const flag = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      const inline = eq < 0 ? undefined : arg.slice(eq + 1);
      if (flag === 'help') return { help: this.helpText() };
      const found = this.lookup(flag);
      if (!found) {
        const negated = flag.startsWith('no-') ? this.lookup(flag.slice(3)) : undefined;
        if (negated && typeOf(negated[1]) === 'boolean' && inline === undefined) {
          values[negated[0]] = false;
          continue;
        }
        return { error: `unknown flag: --${flag}` };
      }
      const [name, spec] = found;
      const texts: string[] = [];
      if (inline !== undefined) texts.push(inline);
      else if (typeOf(spec) === 'boolean') {
        if (args[i + 1] === 'true' || args[i + 1] === 'false') texts.push(args[++i]!);
        else texts.push('true');
      } else {
        const next = args[i + 1];
        if (next === undefined || next.startsWith('--')) return { error: `flag needs an argument: --${flag}` };
        texts.push(next);
        i++;
      }
      // an array flag also takes the words after its value, up to the next flag (as yargs)
      if (spec.array && inline === undefined) while (i + 1 < args.length && !args[i + 1]!.startsWith('-')) texts.push(args[++i]!);
      for (const text of texts) {
        const v = convert(flag, spec, text);
        if (typeof v === 'object') return v;
        if (spec.array) values[name] = [...(given.has(name) ? (values[name] as unknown[]) : []), v];
        else values[name] = v;
        given.add(name);
      }
    }
    return { values: values as FlagValues<O> };
  }

  /** The flags' values; --help prints the help and exits 0, an error prints it and exits 2. */
  parse(): FlagValues<O> {
    const r = this.parseArgs();
    if ('values' in r) return r.values;
    if ('help' in r) {
      process.stdout.write(r.help);
      process.exit(0);
    }
    process.stderr.write(`${this.name}: ${r.error}\nSee '${this.name} --help'.\n`);
    process.exit(2);
  }

  helpText(): string {
    const rows = [...this.specs].map(([name, spec]) => {
      const names = [`--${name}`, ...(spec.alias ? [`--${spec.alias}`] : [])].join(', ');
      const type = spec.choices ? spec.choices.join('|') : typeOf(spec) === 'boolean' ? '' : typeOf(spec);
      const dflt = spec.default === undefined || (Array.isArray(spec.default) && spec.default.length === 0) ? '' : ` (default ${JSON.stringify(spec.default)})`;
      return [`${names}${type ? ` ${type}` : ''}${spec.array ? ' ...' : ''}`, `${spec.describe ?? ''}${dflt}`] as const;
    });
    rows.push(['--help', 'show this help']);
    const width = Math.max(...rows.map(([left]) => left.length));
    return `${this.usageText.replaceAll('$0', this.name)}\n\nFlags:\n${rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`.trimEnd()).join('\n')}\n`;
  }

  private lookup(flag: string): [string, FlagSpec] | undefined {
    const spec = this.specs.get(flag);
    if (spec) return [flag, spec];
    for (const [name, s] of this.specs) if (s.alias === flag) return [name, s];
    return undefined;
  }
}

function typeOf(spec: FlagSpec): FlagType {
  return spec.type ?? 'string';
}

function convert(flag: string, spec: FlagSpec, text: string): string | number | boolean | { error: string } {
  const bad = (why: string) => ({ error: `invalid argument ${JSON.stringify(text)} for "--${flag}" flag: ${why}` });
  let v: string | number | boolean = text;
  if (typeOf(spec) === 'number') {
    v = Number(text);
    if (text.trim() === '' || Number.isNaN(v)) return bad('not a number');
  } else if (typeOf(spec) === 'boolean') {
    if (text !== 'true' && text !== 'false') return bad('not true or false');
    v = text === 'true';
  }
  if (spec.choices && !spec.choices.includes(v as string | number)) return bad(`must be one of ${spec.choices.join(', ')}`);
  return v;
}

/** The flags of this process's command line (`process.argv` without node and the script). */
export function cliFlags(args: readonly string[] = process.argv.slice(2)): CliFlags {
  return new CliFlags(args);
}
