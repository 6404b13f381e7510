// skiffctl get -w / --watch-only: the list (unless --watch-only), then one row per change until
// interrupted. The watch starts at the list's resourceVersion, so no change is missed; an expired
// revision re-lists and goes on.
import { isApiError, type KObject, type ResourceType } from '@skiff/api';
import type { Client, WatchOptions } from '@skiff/machinery';
import { UsageError } from '../cli-error.js';
import type { Io } from '../io.js';
import { err } from '../io-lines.js';
import { listAll, withTypeMeta } from '../list-all.js';
import type { OutputFormat } from '../output-format.js';
import { noResourcesMessage } from '../printers/no-resources.js';
import { toJson, toName, toYaml } from '../printers/structured.js';
import { headerRow, objectRow, tableColumns } from '../printers/table.js';
import { layoutRows } from '../printers/table-layout.js';
import { parseResourceArgs } from '../resource-args.js';
import type { GetArgs } from './get-args.js';

export async function watchResource(client: Client, args: GetArgs, format: OutputFormat, namespace: string, io: Io): Promise<number> {
  const queries = parseResourceArgs(args.resources, 'get');
  if (queries.length !== 1) throw new UsageError('watch is only supported on individual resources and resource collections, but 2 or more resources were found');
  const { type, names } = queries[0]!;
  if (names.length > 1) throw new UsageError('watch is only supported on individual resources and resource collections, but 2 or more resources were found');
  const fieldSelector = [args.fieldSelector, names[0] ? `metadata.name=${names[0]}` : ''].filter(Boolean).join(',');
  const opts: WatchOptions = {
    namespace: type.namespaced ? namespace : '',
    ...(args.selector ? { labelSelector: args.selector } : {}),
    ...(fieldSelector ? { fieldSelector } : {}),
  };
  const printer = new WatchPrinter(type, format, args, io);
  const signal = io.signal ?? new AbortController().signal;

  let { items, resourceVersion } = await listAll(client, type, opts, args.chunkSize);
  if (!args.watchOnly) {
    if (items.length === 0 && format !== 'yaml' && format !== 'json') err(io, noResourcesMessage([{ type }], namespace));
    printer.print(items);
  }
  while (!signal.aborted) {
    try {
      for await (const batch of client.watch(type.resource, { ...opts, resourceVersion }, signal)) {
        resourceVersion = batch.resourceVersion || resourceVersion;
        const objs = batch.events.filter((e) => e.type !== 'BOOKMARK' && e.object).map((e) => withTypeMeta(e.object as KObject, type));
        printer.print(objs);
      }
    } catch (e) {
      if (!isApiError(e, 'OUT_OF_RANGE')) throw e;
      ({ items, resourceVersion } = await listAll(client, type, opts, args.chunkSize));
      printer.print(items);
      continue;
    }
    // The server ended the stream: resume from the last revision seen after a pause.
    if (!signal.aborted) await pause(1000, signal);
  }
  return 0;
}

class WatchPrinter {
  private widths: number[] = [];
  private headerDone: boolean;
  private readonly now: () => number;

  constructor(
    private readonly type: ResourceType,
    private readonly format: OutputFormat,
    private readonly args: GetArgs,
    private readonly io: Io,
  ) {
    this.headerDone = !!args.noHeaders;
    this.now = args.now ?? Date.now;
  }

  print(objs: readonly KObject[]): void {
    if (objs.length === 0) return;
    switch (this.format) {
      case 'yaml':
        for (const o of objs) this.io.stdout.write(`---\n${toYaml(o)}`);
        return;
      case 'json':
        for (const o of objs) this.io.stdout.write(toJson(o));
        return;
      case 'name':
        for (const o of objs) this.io.stdout.write(toName(o));
        return;
      default: {
        const cols = tableColumns(this.type, {
          wide: this.format === 'wide',
          namespaceColumn: !!this.args.allNamespaces,
          showLabels: !!this.args.showLabels,
          now: 0,
        });
        const ctx = { now: this.now() };
        const rows = objs.map((o) => objectRow(cols, o, ctx));
        if (!this.headerDone) rows.unshift(headerRow(cols));
        this.headerDone = true;
        const l = layoutRows(rows, this.widths);
        this.widths = l.widths;
        this.io.stdout.write(l.text);
      }
    }
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
