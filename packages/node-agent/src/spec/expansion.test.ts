import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expand, mappingFor } from './expansion.js';

void describe('expand', () => {
  const vars = mappingFor(
    new Map([
      ['VAR_A', 'A'],
      ['VAR_B', 'B'],
      ['VAR_EMPTY', ''],
    ]),
    new Map([
      ['VAR_A', 'shadowed'],
      ['SVC', 'svc'],
    ]),
  );
  // cases from Kubernetes' expansion tests
  const cases: { name: string; input: string; want: string }[] = [
    { name: 'whole string', input: '$(VAR_A)', want: 'A' },
    { name: 'repeated', input: '$(VAR_A)-$(VAR_A)', want: 'A-A' },
    { name: 'beginning', input: '$(VAR_A)-1', want: 'A-1' },
    { name: 'middle', input: '___$(VAR_B)___', want: '___B___' },
    { name: 'end', input: '___$(VAR_B)', want: '___B' },
    { name: 'empty value', input: 'x$(VAR_EMPTY)y', want: 'xy' },
    { name: 'first context wins', input: '$(VAR_A) $(SVC)', want: 'A svc' },
    { name: 'undefined stays', input: '$(VAR_NOPE)', want: '$(VAR_NOPE)' },
    { name: 'escaped operator', input: '$$(VAR_A)', want: '$(VAR_A)' },
    { name: 'escaped and expanded', input: '$$$(VAR_A)', want: '$A' },
    { name: 'double escape', input: '$$$$(VAR_A)', want: '$$(VAR_A)' },
    { name: 'incomplete reference', input: '$(VAR_A', want: '$(VAR_A' },
    { name: 'operator before a letter', input: '$VAR_A', want: '$VAR_A' },
    { name: 'trailing operator', input: 'abc$', want: 'abc$' },
    { name: 'lone operator', input: '$', want: '$' },
    { name: 'empty name', input: '$()', want: '$()' },
    { name: 'no operators', input: 'plain text', want: 'plain text' },
    { name: 'nested looking', input: '$(VAR_$(VAR_A))', want: '$(VAR_$(VAR_A))' },
  ];
  for (const c of cases) {
    void it(c.name, () => assert.equal(expand(c.input, vars), c.want));
  }
});
