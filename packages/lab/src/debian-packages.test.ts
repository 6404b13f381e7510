import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { packageClosure, parseInstalled } from './debian-packages.js';

const line = (name: string, deps = '', provides = '', status = 'install ok installed', pre = '') => `${name}\t1.0-${name}\t${status}\t${pre}\t${deps}\t${provides}`;

const INSTALLED = parseInstalled(
  [
    line('app', 'libc6 (>= 2.34), libfoo | libbar, python3:any, mail-transport-agent', '', 'install ok installed', 'dpkg (>= 1.15)'),
    line('libc6', 'libgcc-s1'),
    line('libgcc-s1', 'libc6 (>= 2.35)'),
    line('libbar'),
    line('python3', 'python3.11 (>= 3.11.2-1~)'),
    line('python3.11'),
    line('dpkg'),
    line('exim4', '', 'mail-transport-agent'),
    line('half-gone', '', '', 'deinstall ok config-files'),
    line('helper', 'app'),
    line('needs-missing', 'not-there'),
  ].join('\n'),
);

const cases: { name: string; roots: string[]; skip?: string[]; want?: string[]; error?: RegExp }[] = [
  { name: 'a leaf', roots: ['libbar'], want: ['libbar'] },
  { name: 'a dependency cycle ends', roots: ['libc6'], want: ['libc6', 'libgcc-s1'] },
  {
    name: 'versions, arch qualifiers, Pre-Depends, the installed alternative, a virtual package through Provides',
    roots: ['app'],
    want: ['app', 'dpkg', 'exim4', 'libbar', 'libc6', 'libgcc-s1', 'python3', 'python3.11'],
  },
  { name: 'a skipped package and what only it needs stay out', roots: ['python3', 'libbar'], skip: ['python3'], want: ['libbar'] },
  { name: 'a package removed with its config files left is not installed', roots: ['half-gone'], error: /half-gone \(needed by the image\) is not installed/ },
  { name: 'a dependency with no installed choice names who needs it', roots: ['needs-missing'], error: /not-there \(needed by needs-missing\) is not installed: apt-get install not-there/ },
];

void describe('packageClosure', () => {
  for (const c of cases) {
    void it(c.name, () => {
      if (c.error) assert.throws(() => packageClosure(INSTALLED, c.roots, c.skip), c.error);
      else assert.deepEqual(packageClosure(INSTALLED, c.roots, c.skip), c.want);
    });
  }
});

void describe('parseInstalled', () => {
  void it('keeps versions, flattened alternatives and provides', () => {
    const app = INSTALLED.get('app')!;
    assert.equal(app.version, '1.0-app');
    assert.deepEqual(app.depends, [['dpkg'], ['libc6'], ['libfoo', 'libbar'], ['python3'], ['mail-transport-agent']]);
    assert.deepEqual(INSTALLED.get('exim4')!.provides, ['mail-transport-agent']);
    assert.equal(INSTALLED.has('half-gone'), false);
  });
});
