// skiffctl explain-placement POD: why the pod is where it is, or why it is still Pending (with -f,
// for manifests not created: explain-manifest.ts). Reads the
// pod's explanation annotation (scheduler.skiff.io/explanation, written by skiff-scheduler with the
// bind or after each failed attempt) and shows it as describe pod's Placement section does
// (describe/placement.ts, the one formatting); for a pod without a node, its latest attempt too:
// the PodScheduled condition (reason, the "0/3 nodes are available: ..." summary, when) and the node
// preemption nominated. `-o json`: the annotation's value as it is.
import { PLACEMENT_EXPLANATION_ANNOTATION, parsePlacementExplanation, type KObject } from '@skiff/api';
import type { Client } from '@skiff/machinery';
import type { CommandModule } from 'yargs';
import { UsageError } from '../cli-error.js';
import { list, namespaceArgs, str, type Select } from '../cli-flags.js';
import { placementLines } from '../describe/placement.js';
import { describeTime } from '../describe/time.js';
import { DescribeWriter } from '../describe/writer.js';
import type { Io } from '../io.js';
import { out } from '../io-lines.js';
import { DEFAULT_SCHEDULER_PORT, schedulerUrl } from '../scheduler-endpoint.js';
import { explainManifests } from './explain-manifest.js';

export interface ExplainPlacementArgs {
  pod: string;
  namespace?: string;
  defaultNamespace: string;
  output?: string;
}

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

interface PodView extends KObject {
  spec?: { nodeName?: string; schedulerName?: string };
  status?: { phase?: string; nominatedNodeName?: string; conditions?: Condition[] };
}

/** The text for one pod (the pod as read from the apiserver). */
export function explainPlacementText(pod: KObject): string {
  const p = pod as PodView;
  const w = new DescribeWriter();
  w.kv(0, 'Pod', `${p.metadata.namespace ?? 'default'}/${p.metadata.name ?? ''}`);
  const node = p.spec?.nodeName;
  w.kv(0, 'Node', node || `<none> (${p.status?.phase || 'Pending'})`);
  if (!node) {
    const scheduled = (p.status?.conditions ?? []).find((c) => c.type === 'PodScheduled' && c.status === 'False');
    if (scheduled) {
      const when = scheduled.lastTransitionTime ? ` (since ${describeTime(scheduled.lastTransitionTime)})` : '';
      w.kv(0, 'Last Attempt', `${scheduled.reason || 'Unschedulable'}${when}${scheduled.message ? `: ${scheduled.message}` : ''}`);
    } else {
      w.kv(0, 'Last Attempt', `<none> (no attempt recorded by ${p.spec?.schedulerName || 'default-scheduler'} yet)`);
    }
    if (p.status?.nominatedNodeName) w.kv(0, 'Nominated Node Name', p.status.nominatedNodeName);
  }
  const lines = placementLines(pod);
  const why = node ? 'the pod was placed without an explanation (spec.nodeName set by its creator, or a scheduler that writes none)' : 'no explanation written yet';
  w.kv(0, 'Placement', lines.length ? lines.join('\n') : `<none>: ${why}`);
  return w.toString();
}

export async function explainPlacement(client: Client, args: ExplainPlacementArgs, io: Io): Promise<number> {
  if (!args.pod) throw new UsageError('USAGE: explain-placement (POD | -f FILENAME) [flags]');
  if (args.output !== undefined && args.output !== 'json') throw new UsageError(`unable to match a printer suitable for the output format "${args.output}", the allowed formats are: json`);
  const name = args.pod.replace(/^(pods?|po)\//, '');
  const pod = await client.get('pods', args.namespace ?? args.defaultNamespace, name);
  if (args.output === 'json') {
    const text = pod.metadata.annotations?.[PLACEMENT_EXPLANATION_ANNOTATION];
    const parsed = parsePlacementExplanation(text);
    out(io, parsed ? JSON.stringify(parsed, null, 2) : 'null');
    return 0;
  }
  io.stdout.write(explainPlacementText(pod));
  return 0;
}

/** The yargs registration (cli.ts adds it with one line): POD, or -f for manifests not created (explain-manifest.ts). */
export function explainPlacementCommand(select: Select): CommandModule<object, object> {
  return {
    command: 'explain-placement [pod]',
    describe: "Show why a pod was placed on its node or is still Pending (the scheduler's explanation); with -f, where a pod not created would go and why not elsewhere",
    builder: (y) =>
      y
        .positional('pod', { type: 'string', describe: 'POD or pod/POD' })
        .option('filename', { alias: 'f', type: 'string', nargs: 1, describe: 'Pod manifests (file, directory or - for stdin) to explain without creating them; repeatable' })
        .option('recursive', { alias: 'R', type: 'boolean', describe: 'Read directories recursively' })
        .option('scheduler', { type: 'string', describe: `With -f: skiff-scheduler's /metrics URL (else $SKIFF_SCHEDULER, else the apiserver's host, port ${DEFAULT_SCHEDULER_PORT})` })
        .option('candidates', { type: 'number', describe: 'With -f: feasible nodes to list with their scores (1-100, default 3)' })
        .option('rejected', { type: 'number', describe: 'With -f: rejected nodes to list with the filter that rejected them (0-1000, default 10)' })
        .option('output', { alias: 'o', type: 'string', describe: 'json' })
        .example('$0 explain-placement web-1', '')
        .example('$0 explain-placement -f pod.yaml', ''),
    handler: select('explain-placement', async (c, f, conn, d, io) => {
      const filenames = list(f.filename);
      const pod = str(f.pod);
      const output = str(f.output) ? { output: str(f.output)! } : {};
      if (filenames.length === 0) return explainPlacement(c, { pod: pod ?? '', ...namespaceArgs(f, conn), ...output }, io);
      if (pod) throw new UsageError('explain-placement takes a POD or -f manifests, not both');
      const timeout = Number(f['request-timeout'] ?? 0);
      return explainManifests(
        c,
        {
          filenames,
          recursive: !!f.recursive,
          ...namespaceArgs(f, conn),
          ...output,
          scheduler: schedulerUrl(str(f.scheduler), d.env ?? process.env, conn.server),
          timeoutMs: timeout > 0 ? timeout * 1000 : 30_000,
          ...(f.candidates !== undefined ? { candidates: Number(f.candidates) } : {}),
          ...(f.rejected !== undefined ? { rejected: Number(f.rejected) } : {}),
        },
        io,
      );
    }) as CommandModule<object, object>['handler'],
  };
}
