import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { batchPlan, command } from './command.js';

void describe('batchPlan', () => {
  void it('batches consecutive ip commands per namespace, runs others alone', () => {
    const plan = [
      command('ip', 'link', 'add', 'v1', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', 'ns1'),
      command('ip', 'link', 'set', 'v1', 'up'),
      command('ip', '-n', 'ns1', 'addr', 'replace', '10.0.0.2/24', 'dev', 'eth0'),
      command('ip', '-n', 'ns1', 'link', 'set', 'lo', 'up'),
      command('nsenter', '--net=/run/netns/ns1', 'sysctl', '-qw', 'net.ipv4.ip_forward=1'),
      command('ip', 'link', 'del', 'v9'),
    ];
    assert.deepEqual(batchPlan(plan), [
      { cmd: 'ip', args: ['-batch', '-'], input: 'link add v1 type veth peer name eth0 netns ns1\nlink set v1 up\n' },
      { cmd: 'ip', args: ['-n', 'ns1', '-batch', '-'], input: 'addr replace 10.0.0.2/24 dev eth0\nlink set lo up\n' },
      { cmd: 'nsenter', args: ['--net=/run/netns/ns1', 'sysctl', '-qw', 'net.ipv4.ip_forward=1'] },
      { cmd: 'ip', args: ['-batch', '-'], input: 'link del v9\n' },
    ]);
  });

  void it('batches consecutive iptables commands into one iptables-restore, a section per table', () => {
    const plan = [
      command('ip', 'link', 'set', 'br', 'up'),
      command('iptables', '-w', '-t', 'filter', '-N', 'FWD'),
      command('iptables', '-w', '-t', 'filter', '-A', 'FWD', '-i', 'br', '-j', 'ACCEPT'),
      command('iptables', '-w', '-t', 'nat', '-A', 'NAT', '-s', '10.0.0.0/24', '!', '-o', 'br', '-j', 'MASQUERADE'),
      command('iptables', '-w', '-t', 'filter', '-I', 'FORWARD', '1', '-j', 'FWD'),
    ];
    assert.deepEqual(batchPlan(plan), [
      { cmd: 'ip', args: ['-batch', '-'], input: 'link set br up\n' },
      {
        cmd: 'iptables-restore',
        args: ['-w', '--noflush'],
        input: '*filter\n-N FWD\n-A FWD -i br -j ACCEPT\nCOMMIT\n*nat\n-A NAT -s 10.0.0.0/24 ! -o br -j MASQUERADE\nCOMMIT\n*filter\n-I FORWARD 1 -j FWD\nCOMMIT\n',
      },
    ]);
  });
});
