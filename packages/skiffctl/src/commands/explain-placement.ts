// skiffctl explain-placement POD: why the pod is where it is, or why it is still Pending. Reads the
// pod's explanation annotation (scheduler.skiff.io/explanation, written by skiff-scheduler with the
// bind or after each failed attempt) and shows it as describe pod's Placement section does
// (describe/placement.ts, the one formatting); for a pod without a node, its latest attempt too:
// the PodScheduled condition (reason, the "0/3 nodes are available: ..." summary, when) and the node
// preemption nominated. `-o json`: the annotation's value as it is.
import { PLACEMENT_EXPLANATION_ANNOTATION, parsePlacementExplanation, type KObject } from '@skiff/api';
import type { Client } from '@skiff/machinery';
import type { CommandModule } from 'yargs';
import { UsageError } from '../cli-error.js';
import { namespaceArgs, str, type Select } from '../cli-flags.js';
import { placementLines } from '../describe/placement.js';
import { describeTime } from '../describe/time.js';
import { DescribeWriter } from '../describe/writer.js';
import type { Io } from '../io.js';
import { out } from '../io-lines.js';

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
  if (!args.pod) throw new UsageError('USAGE: explain-placement POD [flags]');
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

/** The yargs registration (cli.ts adds it with one line). */
export function explainPlacementCommand(select: Select): CommandModule<object, object> {
  return {
    command: 'explain-placement <pod>',
    describe: "Show why a pod was placed on its node, or why it is still Pending (the scheduler's explanation)",
    builder: (y) => y.positional('pod', { type: 'string', describe: 'POD or pod/POD' }).option('output', { alias: 'o', type: 'string', describe: 'json' }).example('$0 explain-placement web-1', ''),
    handler: select('explain-placement', (c, f, conn, _d, io) =>
      explainPlacement(c, { pod: str(f.pod) ?? '', ...namespaceArgs(f, conn), ...(str(f.output) ? { output: str(f.output)! } : {}) }, io),
    ) as CommandModule<object, object>['handler'],
  };
}
