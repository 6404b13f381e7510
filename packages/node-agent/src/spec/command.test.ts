import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveCommand } from './command.js';
import { containerEnvironment, type EnvInput } from './env.js';

void describe('resolveCommand', () => {
  const image = { entrypoint: ['/entry'], cmd: ['--default'] };
  const bare = { entrypoint: [], cmd: ['sh'] };
  const env = [{ name: 'PORT', value: '8080' }];
  const cases: { name: string; c: { command?: string[]; args?: string[] }; image?: typeof image; want: { entrypoint: string[]; cmd: string[] } }[] = [
    { name: 'neither: the image entrypoint and cmd', c: {}, want: { entrypoint: ['/entry'], cmd: ['--default'] } },
    { name: 'command only: the image cmd is dropped too', c: { command: ['/bin/app'] }, want: { entrypoint: ['/bin/app'], cmd: [] } },
    { name: 'args only: the image entrypoint with the args', c: { args: ['-v'] }, want: { entrypoint: ['/entry'], cmd: ['-v'] } },
    { name: 'both', c: { command: ['/bin/app'], args: ['-v'] }, want: { entrypoint: ['/bin/app'], cmd: ['-v'] } },
    { name: 'empty lists count as unset', c: { command: [], args: [] }, want: { entrypoint: ['/entry'], cmd: ['--default'] } },
    { name: 'args only on an image without entrypoint', c: { args: ['echo', 'hi'] }, image: bare, want: { entrypoint: [], cmd: ['echo', 'hi'] } },
    { name: 'neither on an image without entrypoint', c: {}, image: bare, want: { entrypoint: [], cmd: ['sh'] } },
    { name: '$(VAR) expands in command and args', c: { command: ['serve', '--port=$(PORT)'], args: ['$(NOPE)', '$$(PORT)'] }, want: { entrypoint: ['serve', '--port=8080'], cmd: ['$(NOPE)', '$(PORT)'] } },
  ];
  for (const c of cases) {
    void it(c.name, () => assert.deepEqual(resolveCommand(c.c, c.image ?? image, env), c.want));
  }
});

void describe('containerEnvironment', () => {
  const cases: { name: string; input: EnvInput; want: [string, string][] }[] = [
    { name: 'literal values in order', input: { env: [{ name: 'A', value: '1', literal: true }, { name: 'B', value: '2', literal: true }] }, want: [['A', '1'], ['B', '2']] },
    {
      name: 'a literal refers to an earlier variable',
      input: { env: [{ name: 'HOST', value: 'db', literal: true }, { name: 'URL', value: 'http://$(HOST):$(PORT)/', literal: true }, { name: 'PORT', value: '5432', literal: true }] },
      want: [['HOST', 'db'], ['URL', 'http://db:$(PORT)/'], ['PORT', '5432']],
    },
    {
      name: 'a value from a source is not expanded',
      input: { env: [{ name: 'A', value: 'x', literal: true }, { name: 'FROM_SECRET', value: '$(A)', literal: false }] },
      want: [['A', 'x'], ['FROM_SECRET', '$(A)']],
    },
    {
      name: 'envFrom first, env overrides it, and can use it',
      input: { envFrom: [{ name: 'A', value: 'from-cm' }, { name: 'B', value: 'b' }], env: [{ name: 'A', value: '$(B)-env', literal: true }] },
      want: [['A', 'b-env'], ['B', 'b']],
    },
    {
      name: 'service variables: usable, added last, never override',
      input: {
        env: [{ name: 'DB', value: '$(DB_SERVICE_HOST)', literal: true }, { name: 'DB_SERVICE_PORT', value: 'mine', literal: true }],
        serviceEnv: new Map([['DB_SERVICE_HOST', '10.96.0.7'], ['DB_SERVICE_PORT', '5432']]),
      },
      want: [['DB', '10.96.0.7'], ['DB_SERVICE_PORT', 'mine'], ['DB_SERVICE_HOST', '10.96.0.7']],
    },
    { name: 'self reference stays', input: { env: [{ name: 'A', value: '$(A)', literal: true }] }, want: [['A', '$(A)']] },
    { name: 'nothing', input: {}, want: [] },
  ];
  for (const c of cases) {
    void it(c.name, () => assert.deepEqual(containerEnvironment(c.input).map((e) => [e.name, e.value]), c.want));
  }
});
