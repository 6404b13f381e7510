// skiffctl explain-placement -f pod.yaml: where would this pod go, and why not elsewhere, for a
// manifest that is not created. Each Pod of the manifests is first sent to the apiserver as a
// dry-run create (defaulted, validated and admitted as a real create would be, priorityClassName
// resolved, and only if the caller may create it; nothing is stored), then to skiff-scheduler's
// POST /explain (scheduler-endpoint.ts), which runs the filters and scores on every node of its
// snapshot without assuming, binding or evicting anything.
import { isApiError, type KObject, type PlacementAnswer, type Pod } from '@skiff/api';
import type { Client } from '@skiff/machinery';
import { CliError } from '../cli-error.js';
import { explanationLines } from '../describe/placement.js';
import { DescribeWriter } from '../describe/writer.js';
import type { Io } from '../io.js';
import { out, printError, printWarnings } from '../io-lines.js';
import { loadManifestObjects, type ManifestObject } from '../manifest-objects.js';
import { askScheduler, type ExplainBounds } from '../scheduler-endpoint.js';

export interface ExplainManifestArgs extends ExplainBounds {
  filenames: string[];
  recursive?: boolean;
  namespace?: string;
  defaultNamespace: string;
  output?: string;
  /** The scheduler's base URL (schedulerUrl). */
  scheduler: string;
  timeoutMs: number;
}

/** The text for one answer. */
export function placementAnswerText(a: PlacementAnswer): string {
  const w = new DescribeWriter();
  const e = a.explanation;
  w.kv(0, 'Pod', `${a.pod} (not created)`);
  w.kv(0, 'Scheduler', a.schedulerName);
  w.kv(0, 'Would Go To', e.result === 'Scheduled' ? (e.node ?? '<unknown>') : `<none>: ${a.message ?? 'no node fits'}`);
  if (a.preemption) w.kv(0, 'Preemption', `would nominate ${a.preemption.node}, evicting ${a.preemption.victims.join(', ') || 'no pod'}`);
  w.kv(0, 'Placement', explanationLines(e).join('\n'));
  const reasons = Object.entries(a.rejectedReasons).map(([r, n]) => `${n} ${r}`);
  if (e.result === 'Scheduled' && reasons.length) w.kv(0, 'Rejected', reasons.sort().join(', '));
  return w.toString();
}

/** The manifest as the apiserver would create it, nothing stored; a namesake that exists does not stand in the way. */
async function dryRunCreate(client: Client, m: ManifestObject, io: Io): Promise<Pod> {
  try {
    const r = await client.createWithWarnings(m.object, { dryRun: true });
    printWarnings(io, r.warnings);
    return r.object as Pod;
  } catch (e) {
    if (!isApiError(e, 'ALREADY_EXISTS') || !m.name) throw e;
  }
  const renamed: KObject = { ...m.object, metadata: { ...m.object.metadata, generateName: `${m.name}-` } };
  delete renamed.metadata.name;
  const r = await client.createWithWarnings(renamed, { dryRun: true });
  printWarnings(io, r.warnings);
  return { ...(r.object as Pod), metadata: { ...r.object.metadata, name: m.name } };
}

export async function explainManifests(client: Client, args: ExplainManifestArgs, io: Io): Promise<number> {
  if (args.output !== undefined && args.output !== 'json') throw new CliError(`unable to match a printer suitable for the output format "${args.output}", the allowed formats are: json`);
  const objects = await loadManifestObjects(
    args.filenames,
    { recursive: !!args.recursive, stdin: io.stdin },
    { ...(args.namespace ? { flag: args.namespace } : {}), fallback: args.defaultNamespace },
    { allowGenerateName: true },
  );
  const others = objects.filter((m) => m.object.kind !== 'Pod');
  if (others.length) throw new CliError(`explain-placement -f explains Pods only, not ${others.map((m) => `${m.object.kind} "${m.name || String(m.object.metadata.generateName ?? '')}" (${m.doc.source})`).join(', ')}`);
  let failed = false;
  const answers: PlacementAnswer[] = [];
  for (const m of objects) {
    try {
      const pod = await dryRunCreate(client, m, io);
      const answer = await askScheduler(args.scheduler, pod, args, args.timeoutMs);
      if (args.output === 'json') answers.push(answer);
      else io.stdout.write(`${answers.push(answer) > 1 ? '\n' : ''}${placementAnswerText(answer)}`);
    } catch (e) {
      // The scheduler unreachable or refusing: no point asking about the next pod.
      if (e instanceof CliError) throw e;
      failed = true;
      printError(io, e, { action: `error when explaining "${m.doc.source}": ` });
    }
  }
  // -o json: the answer, or a list of them for several pods.
  if (args.output === 'json' && answers.length) out(io, JSON.stringify(answers.length === 1 ? answers[0] : answers, null, 2));
  return failed ? 1 : 0;
}
