// The -o values the printing commands accept.
import { CliError } from './cli-error.js';

export type OutputFormat = '' | 'wide' | 'yaml' | 'json' | 'name';

const FORMATS: readonly OutputFormat[] = ['', 'wide', 'yaml', 'json', 'name'];

export function parseOutputFormat(o: string | undefined): OutputFormat {
  const v = (o ?? '') as OutputFormat;
  if (!FORMATS.includes(v)) {
    throw new CliError(`unable to match a printer suitable for the output format "${o}", allowed formats are: json,name,wide,yaml`);
  }
  return v;
}
