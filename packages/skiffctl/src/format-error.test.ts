import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, alreadyExists, conflict, fieldError, invalid, notFound } from '@skiff/api';
import { CliError } from './cli-error.js';
import { formatClientFieldError, formatError } from './format-error.js';

const cases: { name: string; err: unknown; ctx?: { server?: string; action?: string }; want: string }[] = [
  { name: 'NotFound', err: notFound('deployments.apps', 'web'), want: 'Error from server (NotFound): deployments.apps "web" not found' },
  { name: 'AlreadyExists with action', err: alreadyExists('services', 'web'), ctx: { action: 'error when creating "s.yaml": ' }, want: 'Error from server (AlreadyExists): error when creating "s.yaml": services "web" already exists' },
  { name: 'Conflict', err: conflict('pods', 'p', 'the object has been modified'), want: 'Error from server (Conflict): Operation cannot be fulfilled on pods "p": the object has been modified' },
  {
    name: 'Invalid with one violation stays on one line',
    err: invalid('Deployment', 'web', [fieldError('spec.replicas', 'Invalid', 'must be greater than or equal to 0', -1)]),
    want: 'Error from server (Invalid): Deployment "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
  },
  {
    name: 'Invalid with several violations: one per line',
    err: invalid('Pod', 'p', [fieldError('spec.containers[0].image', 'Required', 'image is required'), fieldError('metadata.name', 'Invalid', 'bad', 'A')]),
    want: 'Error from server (Invalid): Pod "p" is invalid:\n* spec.containers[0].image: Required value: image is required\n* metadata.name: Invalid value: "A": bad',
  },
  {
    name: 'connection refused names the server',
    err: new ApiError('UNAVAILABLE', 'No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:6443. Resolution note: '),
    ctx: { server: '127.0.0.1:6443' },
    want: 'The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port? (No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:6443.)',
  },
  { name: 'etcd unavailable is a server error', err: new ApiError('UNAVAILABLE', 'etcd is unreachable'), want: 'Error from server (ServiceUnavailable): etcd is unreachable' },
  { name: 'unauthenticated', err: new ApiError('UNAUTHENTICATED', 'missing bearer token'), want: 'error: You must be logged in to the server (Unauthorized): missing bearer token' },
  { name: 'client error', err: new CliError('the server doesn\'t have a resource type "x"'), want: 'error: the server doesn\'t have a resource type "x"' },
  { name: 'any other error', err: new Error('boom'), want: 'error: boom' },
];

for (const c of cases) {
  void test(`formatError: ${c.name}`, () => assert.equal(formatError(c.err, c.ctx), c.want));
}

void test('formatClientFieldError: unknown fields as kubectl words them', () => {
  assert.equal(formatClientFieldError(fieldError('spec.x', 'Unknown', 'unknown field "x"')), 'spec.x: unknown field "x"');
  assert.equal(formatClientFieldError(fieldError('spec.replicas', 'Invalid', 'expected an integer', 'a')), 'spec.replicas: Invalid value: "a": expected an integer');
});
