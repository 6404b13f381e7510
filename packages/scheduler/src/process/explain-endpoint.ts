// POST /explain on the scheduler's /metrics, /healthz server: "where would this pod go, and why not
// elsewhere" for a pod that is not created (`skiffctl explain-placement -f pod.yaml`).
//
//   request:  the Pod as JSON (as the apiserver's dry-run create returns it: defaulted, validated,
//             priority resolved); query `candidates` (1..100, default 3) and `rejected` (0..1000,
//             default 10) bound the lists
//   200:      @skiff/api's PlacementAnswer
//   400:      not a Pod, bad bounds, or no profile for its schedulerName; 503: caches not synced yet
//   errors:   {"message": "..."}
//
// Read-only: one cycle over the current snapshot, nothing assumed, bound or evicted. Served without
// authentication, like /metrics, on --health-host (127.0.0.1 by default).
import type { Pod } from '@skiff/api';
import type { HttpReply, HttpRoute } from '@skiff/machinery';
import type { PlacementLimits } from '../schedule/explanation-annotation.js';
import { NoProfileError, type Scheduler } from '../scheduler.js';

const MAX_CANDIDATES = 100;
const MAX_REJECTED = 1000;

const json = (status: number, v: unknown): HttpReply => ({ status, body: JSON.stringify(v) });
const refuse = (status: number, message: string): HttpReply => json(status, { message });

function bound(query: URLSearchParams, name: string, def: number, min: number, max: number): number | string {
  const raw = query.get(name);
  if (raw === null || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) return `query ${name}: Invalid value: "${raw}": must be an integer from ${min} to ${max}`;
  return n;
}

/** What is wrong with the body as a pod, or undefined when it is one. */
function notAPod(v: unknown): string | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return 'the body must be a Pod as a JSON object';
  const o = v as Record<string, unknown>;
  if (o.kind !== undefined && o.kind !== 'Pod') return `kind: Invalid value: "${String(o.kind)}": only a Pod can be explained`;
  if (!o.metadata || typeof o.metadata !== 'object') return 'metadata: Required value';
  const spec = o.spec as Record<string, unknown> | undefined;
  if (!spec || typeof spec !== 'object') return 'spec: Required value';
  if (!Array.isArray(spec.containers) || spec.containers.length === 0) return 'spec.containers: Required value';
  if (spec.nodeName) return `spec.nodeName: Invalid value: "${String(spec.nodeName)}": the pod names its node; there is nothing to schedule`;
  return undefined;
}

export function explainRoute(s: Scheduler, synced: () => boolean): HttpRoute {
  return {
    method: 'POST',
    maxBodyBytes: 3 << 20,
    handle: async ({ body, query }) => {
      const candidates = bound(query, 'candidates', 3, 1, MAX_CANDIDATES);
      if (typeof candidates === 'string') return refuse(400, candidates);
      const rejected = bound(query, 'rejected', 10, 0, MAX_REJECTED);
      if (typeof rejected === 'string') return refuse(400, rejected);
      let pod: unknown;
      try {
        pod = JSON.parse(body);
      } catch (e) {
        return refuse(400, `the body is not JSON: ${(e as Error).message}`);
      }
      const wrong = notAPod(pod);
      if (wrong) return refuse(400, wrong);
      if (!synced()) return refuse(503, "the scheduler's caches are not synced yet; try again");
      const limits: PlacementLimits = { candidates, rejected };
      try {
        return json(200, s.explain(pod as Pod, limits));
      } catch (e) {
        if (e instanceof NoProfileError) return refuse(400, e.message);
        return refuse(500, `explaining the placement failed: ${(e as Error).message}`);
      }
    },
  };
}
