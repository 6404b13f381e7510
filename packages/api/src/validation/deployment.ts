// Deployment and ReplicaSet validation (apps/v1).
import type { FieldError } from '../errors.js';
import { labelSelectorFromObject } from '../labels.js';
import { isDNS1123Subdomain } from '../names.js';
import type { KObject } from '../object.js';
import type { DeploymentSpec, ReplicaSetSpec } from '../types/apps.js';
import type { IntOrString, LabelSelector } from '../types/meta.js';
import type { PodTemplateSpec } from '../types/pod.js';
import { Errs, child, immutable, isInt, nonNegative, validateLabelSelector } from './errs.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './metadata.js';
import { validatePodTemplateSpec } from './pod.js';

export const DEPLOYMENT_STRATEGIES = ['RollingUpdate', 'Recreate'] as const;

function isEmptySelector(s: LabelSelector): boolean {
  return Object.keys(s.matchLabels ?? {}).length === 0 && (s.matchExpressions ?? []).length === 0;
}

/** Selector required and non-empty, template labels match it, template restartPolicy Always. */
function validateSelectorAndTemplate(e: Errs, selector: LabelSelector | undefined, template: PodTemplateSpec | undefined, path: string, what: string): void {
  const selPath = child(path, 'selector');
  if (!selector || typeof selector !== 'object') e.required(selPath);
  else if (isEmptySelector(selector)) e.invalid(selPath, selector, `empty selector is invalid for ${what}`);
  else validateLabelSelector(e, selPath, selector);
  const tPath = child(path, 'template');
  e.list.push(...validatePodTemplateSpec(template, tPath));
  if (!template) return;
  if (selector && !isEmptySelector(selector)) {
    try {
      const sel = labelSelectorFromObject(selector);
      const labels = template.metadata?.labels ?? {};
      if (!sel.matches(labels)) e.invalid(child(child(tPath, 'metadata'), 'labels'), labels, 'selector does not match template labels');
    } catch {
      // The selector's own errors are reported above.
    }
  }
  const spec = template.spec;
  if (spec) {
    const rp = spec.restartPolicy;
    if (rp && rp !== 'Always') e.notSupported(child(child(tPath, 'spec'), 'restartPolicy'), rp, ['Always']);
    if (spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds !== null) {
      e.forbidden(child(child(tPath, 'spec'), 'activeDeadlineSeconds'), 'activeDeadlineSeconds in ReplicaSet is not Supported');
    }
  }
}

/** An int >= 0 or a percentage "N%"; percentages at most 100% when `maxPercent`. */
function validateIntOrPercent(e: Errs, field: string, v: IntOrString | undefined, maxPercent: boolean): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') {
    if (!isInt(v) || v < 0) e.invalid(field, v, 'must be greater than or equal to 0');
    return v;
  }
  const m = /^(\d+)%$/.exec(v);
  if (!m) {
    e.invalid(field, v, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')");
    return undefined;
  }
  const n = Number(m[1]);
  if (maxPercent && n > 100) e.invalid(field, v, 'must not be greater than 100%');
  return n;
}

function validateDeploymentSpec(e: Errs, spec: DeploymentSpec, path: string): void {
  nonNegative(e, child(path, 'replicas'), spec.replicas);
  validateSelectorAndTemplate(e, spec.selector, spec.template, path, 'deployment');
  const st = spec.strategy ?? {};
  const sp = child(path, 'strategy');
  if (!st.type) e.required(child(sp, 'type'));
  else if (!(DEPLOYMENT_STRATEGIES as readonly string[]).includes(st.type)) e.notSupported(child(sp, 'type'), st.type, DEPLOYMENT_STRATEGIES);
  if (st.type === 'Recreate' && st.rollingUpdate) e.forbidden(child(sp, 'rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'");
  if (st.type === 'RollingUpdate') {
    const ru = st.rollingUpdate;
    const rp = child(sp, 'rollingUpdate');
    if (!ru) e.required(rp, 'this should be defaulted and never be nil');
    else {
      const unavailable = validateIntOrPercent(e, child(rp, 'maxUnavailable'), ru.maxUnavailable, true);
      const surge = validateIntOrPercent(e, child(rp, 'maxSurge'), ru.maxSurge, false);
      if (unavailable === 0 && surge === 0) e.invalid(child(rp, 'maxUnavailable'), ru.maxUnavailable, 'may not be 0 when `maxSurge` is 0');
    }
  }
  nonNegative(e, child(path, 'minReadySeconds'), spec.minReadySeconds);
  nonNegative(e, child(path, 'revisionHistoryLimit'), spec.revisionHistoryLimit);
  if (spec.progressDeadlineSeconds !== undefined && spec.progressDeadlineSeconds !== null) {
    nonNegative(e, child(path, 'progressDeadlineSeconds'), spec.progressDeadlineSeconds);
    if (spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0)) {
      e.invalid(child(path, 'progressDeadlineSeconds'), spec.progressDeadlineSeconds, 'must be greater than minReadySeconds');
    }
  }
}

function validateStatusCounts(e: Errs, status: unknown, fields: string[]): void {
  if (!status || typeof status !== 'object') return;
  const s = status as Record<string, number | undefined>;
  for (const f of fields) nonNegative(e, `status.${f}`, s[f]);
}

export function validateDeployment(obj: KObject, old?: KObject): FieldError[] {
  const e = new Errs();
  e.list.push(...validateObjectMeta(obj.metadata, { namespaced: true, nameFn: isDNS1123Subdomain }));
  const spec = obj.spec as DeploymentSpec | undefined;
  if (!spec || typeof spec !== 'object') e.required('spec');
  else validateDeploymentSpec(e, spec, 'spec');
  validateStatusCounts(e, obj.status, ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas', 'collisionCount']);
  if (old) {
    e.list.push(...validateObjectMetaUpdate(obj.metadata, old.metadata));
    immutable(e, 'spec.selector', spec?.selector, (old.spec as DeploymentSpec | undefined)?.selector);
  }
  return e.list;
}

export function validateReplicaSet(obj: KObject, old?: KObject): FieldError[] {
  const e = new Errs();
  e.list.push(...validateObjectMeta(obj.metadata, { namespaced: true, nameFn: isDNS1123Subdomain }));
  const spec = obj.spec as ReplicaSetSpec | undefined;
  if (!spec || typeof spec !== 'object') e.required('spec');
  else {
    nonNegative(e, 'spec.replicas', spec.replicas);
    nonNegative(e, 'spec.minReadySeconds', spec.minReadySeconds);
    validateSelectorAndTemplate(e, spec.selector, spec.template, 'spec', 'replicaset');
  }
  validateStatusCounts(e, obj.status, ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration']);
  if (old) {
    e.list.push(...validateObjectMetaUpdate(obj.metadata, old.metadata));
    immutable(e, 'spec.selector', spec?.selector, (old.spec as ReplicaSetSpec | undefined)?.selector);
  }
  return e.list;
}
