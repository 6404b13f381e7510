// The skiff.v1.Resources handlers: decode failures and ApiErrors become statuses here (through
// machinery's toGrpcStatus), warnings go out as initial metadata. Each call carries the caller's
// RequestContext (from authentication) and ends with one request log line (level "http") naming
// the user.
import * as grpc from '@grpc/grpc-js';
import { ApiError, apiResources, type KObject } from '@skiff/api';
import { isUndecodable, toGrpcStatus, type Logger } from '@skiff/machinery';
import type { Registry } from '../registry/registry.js';
import { bindPod } from '../registry/kinds/pod/binding.js';
import { getScale, updateScale } from '../registry/scale.js';
import { makeFilter } from '../cache/filter.js';
import { encodeListResponse } from './list-response.js';
import type { Metrics } from '../metrics.js';
import type { Authentication } from './auth.js';
import type { RequestContext } from './user-info.js';

export const VERSION = '0.1.0';

type Unary = (call: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<unknown>) => void;

interface Deps {
  registry: Registry;
  log: Logger;
  metrics: Metrics;
  auth: Authentication;
}

/** The request log line: method, user and groups, outcome, latency. */
function logRequest(d: Deps, method: string, ctx: RequestContext, code: string, started: bigint): void {
  if (!d.log.isLevelEnabled('http')) return;
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  d.log.http('request', { method, user: ctx.user.name, groups: ctx.user.groups.join(','), code, latencyMs: Math.round(ms * 1000) / 1000 });
}

function unary(name: string, d: Deps, fn: (req: any, ctx: RequestContext) => Promise<{ response: unknown; warnings?: string[] }>): Unary {
  // The method's metric children, bound once (prom-client hashes a label set on every call otherwise).
  const latency = d.metrics.latency.labels({ method: name });
  const ok = d.metrics.requests.labels({ method: name, code: 'OK' });
  return (call, cb) => {
    const started = process.hrtime.bigint();
    const req = call.request;
    const ctx = d.auth.contextOf(call);
    const done = (code: string): void => {
      if (code === 'OK') ok.inc();
      else d.metrics.requests.inc({ method: name, code });
      latency.observe(Number(process.hrtime.bigint() - started) / 1e9);
      logRequest(d, name, ctx, code, started);
    };
    if (isUndecodable(req)) {
      done(req.undecodable.code);
      cb(toGrpcStatus(req.undecodable));
      return;
    }
    fn(req, ctx).then(
      ({ response, warnings }) => {
        if (warnings?.length) {
          const md = new grpc.Metadata();
          for (const w of warnings) md.add('warning', w.replace(/[\r\n]/g, ' '));
          call.sendMetadata(md);
        }
        done('OK');
        cb(null, response);
      },
      (err: unknown) => {
        const st = toGrpcStatus(err);
        done(err instanceof ApiError ? err.code : 'INTERNAL');
        if (!(err instanceof ApiError) || err.code === 'INTERNAL') d.log.error('request failed', { method: name, user: ctx.user.name, err: String((err as Error)?.stack ?? err) });
        cb(st);
      },
    );
  };
}

function requireObject(req: { object?: KObject }): KObject {
  if (!req.object || typeof req.object !== 'object' || !req.object.kind) {
    throw new ApiError('INVALID_ARGUMENT', 'the request carries no object (set one field of Object)', { reason: 'BadRequest' });
  }
  return req.object;
}

export function resourceHandlers(d: Deps): grpc.UntypedServiceImplementation {
  const r = d.registry;
  return {
    Create: unary('Create', d, async (req, ctx) => {
      const { object, warnings } = await r.create(ctx, requireObject(req), !!req.dryRun);
      return { response: object, warnings };
    }),
    Get: unary('Get', d, async (req) => ({ response: await r.get(req.resource ?? '', req.namespace ?? '', req.name ?? '') })),
    List: unary('List', d, async (req) => ({
      response: encodeListResponse(await r.listEncoded(req.resource ?? '', {
        namespace: req.namespace ?? '',
        labelSelector: req.labelSelector ?? '',
        fieldSelector: req.fieldSelector ?? '',
        limit: Number(req.limit ?? 0),
        continueToken: req.continue ?? '',
        resourceVersion: req.resourceVersion ?? '',
      })),
    })),
    Update: unary('Update', d, async (req, ctx) => {
      const { object, warnings } = await r.update(ctx, requireObject(req), '', !!req.dryRun);
      return { response: object, warnings };
    }),
    UpdateStatus: unary('UpdateStatus', d, async (req, ctx) => ({ response: (await r.update(ctx, requireObject(req), 'status', !!req.dryRun)).object })),
    Patch: unary('Patch', d, async (req, ctx) => {
      const patch = Buffer.from(req.patch ?? '', 'base64');
      const { object, warnings } = await r.patch(ctx, {
        resource: req.resource ?? '',
        namespace: req.namespace ?? '',
        name: req.name ?? '',
        patch,
        patchType: req.patchType ?? '',
        subresource: req.subresource ?? '',
        dryRun: !!req.dryRun,
      });
      return { response: object, warnings };
    }),
    Delete: unary('Delete', d, async (req, ctx) => ({
      response: await r.delete(ctx, {
        resource: req.resource ?? '',
        namespace: req.namespace ?? '',
        name: req.name ?? '',
        propagationPolicy: req.propagationPolicy ?? '',
        ...(req.preconditions ? { preconditions: req.preconditions } : {}),
        ...(req.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: req.gracePeriodSeconds } : {}),
        dryRun: !!req.dryRun,
      }),
    })),
    DeleteCollection: unary('DeleteCollection', d, async (req, ctx) => ({
      response: {
        items: await r.deleteCollection(ctx, {
          resource: req.resource ?? '',
          namespace: req.namespace ?? '',
          labelSelector: req.labelSelector ?? '',
          fieldSelector: req.fieldSelector ?? '',
          propagationPolicy: req.propagationPolicy ?? '',
          ...(req.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: Number(req.gracePeriodSeconds) } : {}),
          dryRun: !!req.dryRun,
        }),
      },
    })),
    Bind: unary('Bind', d, async (req, ctx) => ({ response: await bindPod(r, ctx, req.binding ?? {}) })),
    GetScale: unary('GetScale', d, async (req) => ({ response: await getScale(r, req.resource ?? '', req.namespace ?? '', req.name ?? '') })),
    UpdateScale: unary('UpdateScale', d, async (req, ctx) => {
      if (!req.scale?.metadata) throw new ApiError('INVALID_ARGUMENT', 'the request carries no scale', { reason: 'BadRequest' });
      return { response: await updateScale(r, ctx, req.resource ?? '', req.scale, !!req.dryRun) };
    }),
    Discovery: unary('Discovery', d, async () => ({
      response: {
        gitVersion: `v${VERSION}`,
        platform: `${process.platform}/${process.arch}`,
        resources: apiResources(),
      },
    })),
    Watch: (call: grpc.ServerWritableStream<any, unknown>) => {
      const req = call.request;
      const started = process.hrtime.bigint();
      const ctx = d.auth.contextOf(call);
      let code = 'OK';
      const ac = new AbortController();
      call.on('cancelled', () => ac.abort());
      call.on('close', () => ac.abort());
      ac.signal.addEventListener('abort', () => logRequest(d, 'Watch', ctx, code, started), { once: true });
      const fail = (err: unknown): void => {
        code = err instanceof ApiError ? err.code : 'INTERNAL';
        ac.abort();
        const st = toGrpcStatus(err);
        // grpc-js turns an 'error' event of a server stream into the call's status.
        call.emit('error', Object.assign(new Error(st.details), st));
      };
      if (isUndecodable(req)) return fail(req.undecodable);
      d.metrics.watchers.inc();
      ac.signal.addEventListener('abort', () => d.metrics.watchers.dec(), { once: true });
      (async () => {
        const t = r.resource(req.resource ?? '');
        const namespace = t.namespaced ? req.namespace ?? '' : '';
        const rv = req.resourceVersion ?? '';
        if (rv !== '' && !/^\d+$/.test(rv)) throw new ApiError('INVALID_ARGUMENT', `invalid resourceVersion "${rv}"`, { reason: 'BadRequest' });
        const filter = makeFilter(t, namespace, req.labelSelector ?? '', req.fieldSelector ?? '');
        await r.cache(t).watch(
          filter,
          rv,
          { bookmarks: !!req.allowWatchBookmarks, initialEventsEnd: !!req.sendInitialEvents },
          {
            write: (b) => {
              call.write(b);
              return call.writableLength;
            },
            end: () => {
              if (!call.writableEnded) call.end();
            },
          },
          ac.signal,
        );
      })().catch((e: unknown) => {
        if (!ac.signal.aborted) fail(e);
      });
    },
  };
}
