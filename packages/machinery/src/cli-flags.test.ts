import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cliFlags } from './cli-flags.js';
import { apiClientFlags, logLevelFlags } from './process-flags.js';

/** A daemon's flags, shaped like the agent's and the proxy's. */
function daemon(args: string[]) {
  return cliFlags(args)
    .scriptName('skiff-test')
    .usage('$0 [flags]: a test daemon')
    .options(apiClientFlags({ server: '127.0.0.1:6443', qps: 50, burst: 100 }))
    .option('node-name', { type: 'string', alias: 'hostname-override', default: 'n1', describe: 'the Node' })
    .option('node-ip', { type: 'string', describe: "the node's InternalIP" })
    .option('runtime', { choices: ['docker', 'fake'] as const, default: 'docker' as 'docker' | 'fake' })
    .option('health-port', { type: 'number', default: 10248 })
    .option('masquerade-all', { type: 'boolean', default: false })
    .option('nodeport-addresses', { type: 'string', array: true, default: [] as string[] })
    .options(logLevelFlags);
}

void describe('cliFlags', () => {
  const defaults = { server: '127.0.0.1:6443', 'kube-api-qps': 50, 'kube-api-burst': 100, 'node-name': 'n1', runtime: 'docker', 'health-port': 10248, 'masquerade-all': false, 'nodeport-addresses': [] };
  const cases: { name: string; args: string[]; values?: Record<string, unknown>; error?: RegExp }[] = [
    { name: 'no flags: the defaults', args: [], values: defaults },
    { name: '--flag value and --flag=value', args: ['--node-ip', '10.0.0.2', '--server=a:1'], values: { ...defaults, 'node-ip': '10.0.0.2', server: 'a:1' } },
    { name: 'the last of a flag given twice wins', args: ['--node-ip', 'a', '--node-ip', 'b'], values: { ...defaults, 'node-ip': 'b' } },
    { name: 'an alias sets its flag', args: ['--hostname-override', 'n7'], values: { ...defaults, 'node-name': 'n7' } },
    { name: 'a number, negative too', args: ['--health-port', '-1', '--kube-api-qps=2.5'], values: { ...defaults, 'health-port': -1, 'kube-api-qps': 2.5 } },
    { name: 'a boolean alone is true', args: ['--masquerade-all'], values: { ...defaults, 'masquerade-all': true } },
    { name: 'a boolean takes a following true or false', args: ['--masquerade-all', 'false'], values: defaults },
    { name: '--no- turns a boolean off', args: ['--masquerade-all', '--no-masquerade-all'], values: defaults },
    { name: '--boolean=true', args: ['--masquerade-all=true'], values: { ...defaults, 'masquerade-all': true } },
    { name: 'a choice', args: ['--runtime', 'fake', '--log-level', 'debug'], values: { ...defaults, runtime: 'fake', 'log-level': 'debug' } },
    {
      name: 'an array flag repeated, and with words after its value',
      args: ['--nodeport-addresses', '10.0.0.0/8', '--nodeport-addresses', '1.2.3.0/24', '5.6.7.0/24', '--node-ip', 'x'],
      values: { ...defaults, 'nodeport-addresses': ['10.0.0.0/8', '1.2.3.0/24', '5.6.7.0/24'], 'node-ip': 'x' },
    },
    { name: 'an empty value with =', args: ['--node-ip='], values: { ...defaults, 'node-ip': '' } },
    { name: 'an unknown flag', args: ['--bogus', '1'], error: /^unknown flag: --bogus$/ },
    { name: '--no- of a flag that is not a boolean', args: ['--no-server'], error: /^unknown flag: --no-server$/ },
    { name: 'a positional argument', args: ['pods'], error: /^unknown argument: pods$/ },
    { name: 'a shorthand flag', args: ['-v'], error: /^unknown shorthand flag: -v$/ },
    { name: 'a value missing at the end', args: ['--node-ip'], error: /^flag needs an argument: --node-ip$/ },
    { name: 'a value missing before the next flag', args: ['--node-ip', '--server', 'a'], error: /^flag needs an argument: --node-ip$/ },
    { name: 'not a number', args: ['--health-port', 'ten'], error: /^invalid argument "ten" for "--health-port" flag: not a number$/ },
    { name: 'an empty number', args: ['--health-port='], error: /not a number/ },
    { name: 'not one of the choices', args: ['--runtime', 'podman'], error: /^invalid argument "podman" for "--runtime" flag: must be one of docker, fake$/ },
    { name: 'a boolean with another value', args: ['--masquerade-all=yes'], error: /^invalid argument "yes" for "--masquerade-all" flag: not true or false$/ },
  ];
  for (const c of cases) {
    void it(c.name, () => {
      const r = daemon(c.args).parseArgs();
      if (c.error) {
        assert.ok('error' in r, `expected an error, got ${JSON.stringify(r)}`);
        assert.match(r.error, c.error);
      } else {
        assert.ok('values' in r, `expected values, got ${JSON.stringify(r)}`);
        assert.deepEqual(r.values, c.values);
      }
    });
  }

  void it('--help lists every flag with its type, alias and default, wherever it is', () => {
    const r = daemon(['--node-ip', 'x', '--help', '--bogus']).parseArgs();
    assert.ok('help' in r);
    const lines = r.help.split('\n');
    assert.equal(lines[0], 'skiff-test [flags]: a test daemon');
    for (const want of [
      /^ {2}--server string +apiserver host:port \(else \$SKIFF_SERVER\) \(default "127\.0\.0\.1:6443"\)$/,
      /^ {2}--node-name, --hostname-override string +the Node \(default "n1"\)$/,
      /^ {2}--runtime docker\|fake +\(default "docker"\)$/,
      /^ {2}--masquerade-all +\(default false\)$/,
      /^ {2}--nodeport-addresses string \.\.\.$/,
      /^ {2}--help +show this help$/,
    ]) assert.ok(lines.some((l) => want.test(l)), `no line matches ${want}:\n${r.help}`);
  });

  void it('a flag declared twice is a bug, found at once', () => {
    assert.throws(() => cliFlags([]).option('x', { type: 'string' }).option('x', { type: 'number' }), /--x declared twice/);
  });
});
