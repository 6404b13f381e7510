import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  generateName,
  generateNameSuffix,
  GENERATE_NAME_ALPHABET,
  isCIdentifier,
  isConfigMapKey,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isEnvVarName,
  isValidPortName,
  validateGenerateName,
} from './names.js';

const cases: { name: string; fn: (s: string) => string[]; value: string; ok: boolean }[] = [
  { name: 'label simple', fn: isDNS1123Label, value: 'my-name', ok: true },
  { name: 'label digits first', fn: isDNS1123Label, value: '123-abc', ok: true },
  { name: 'label upper', fn: isDNS1123Label, value: 'My-name', ok: false },
  { name: 'label dot', fn: isDNS1123Label, value: 'a.b', ok: false },
  { name: 'label trailing dash', fn: isDNS1123Label, value: 'a-', ok: false },
  { name: 'label empty', fn: isDNS1123Label, value: '', ok: false },
  { name: 'label 63', fn: isDNS1123Label, value: 'a'.repeat(63), ok: true },
  { name: 'label 64', fn: isDNS1123Label, value: 'a'.repeat(64), ok: false },
  { name: 'subdomain dots', fn: isDNS1123Subdomain, value: 'example.com', ok: true },
  { name: 'subdomain empty part', fn: isDNS1123Subdomain, value: 'a..b', ok: false },
  { name: 'subdomain 254', fn: isDNS1123Subdomain, value: 'a'.repeat(254), ok: false },
  { name: 'dns1035 letter first', fn: isDNS1035Label, value: 'my-svc', ok: true },
  { name: 'dns1035 digit first', fn: isDNS1035Label, value: '1svc', ok: false },
  { name: 'port name', fn: isValidPortName, value: 'http', ok: true },
  { name: 'port name too long', fn: isValidPortName, value: 'abcdefghijklmnop', ok: false },
  { name: 'port name digits only', fn: isValidPortName, value: '8080', ok: false },
  { name: 'port name double dash', fn: isValidPortName, value: 'a--b', ok: false },
  { name: 'port name upper', fn: isValidPortName, value: 'HTTP', ok: false },
  { name: 'port name leading dash', fn: isValidPortName, value: '-http', ok: false },
  { name: 'env var', fn: isEnvVarName, value: 'MY_VAR', ok: true },
  { name: 'env var dots dashes', fn: isEnvVarName, value: 'my.env-name', ok: true },
  { name: 'env var digit first', fn: isEnvVarName, value: '1VAR', ok: false },
  { name: 'env var equals', fn: isEnvVarName, value: 'A=B', ok: false },
  { name: 'env var dotdot', fn: isEnvVarName, value: '..a', ok: false },
  { name: 'c identifier', fn: isCIdentifier, value: '_a1', ok: true },
  { name: 'c identifier dash', fn: isCIdentifier, value: 'a-b', ok: false },
  { name: 'config key', fn: isConfigMapKey, value: 'app.properties', ok: true },
  { name: 'config key slash', fn: isConfigMapKey, value: 'a/b', ok: false },
];

for (const c of cases) {
  void test(`names: ${c.name}`, () => {
    assert.equal(c.fn(c.value).length === 0, c.ok, `${c.value}: ${c.fn(c.value).join('; ')}`);
  });
}

void test('names: DNS-1123 label message is Kubernetes wording', () => {
  assert.deepEqual(isDNS1123Label('A'), [
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
  ]);
  assert.deepEqual(isDNS1123Label('a'.repeat(64))[0], 'must be no more than 63 characters');
});

void test('names: generateNameSuffix uses the Kubernetes alphabet', () => {
  for (let i = 0; i < 50; i++) {
    const s = generateNameSuffix();
    assert.equal(s.length, 5);
    for (const ch of s) assert.ok(GENERATE_NAME_ALPHABET.includes(ch), ch);
  }
  assert.equal(generateNameSuffix(() => 0), 'bbbbb');
});

void test('names: generateName truncates the base to 58 characters', () => {
  assert.equal(generateName('web-', () => 1), 'web-ccccc');
  assert.equal(generateName('a'.repeat(70), () => 0).length, 63);
});

void test('names: validateGenerateName allows a trailing dash', () => {
  assert.deepEqual(validateGenerateName('web-', isDNS1123Subdomain), []);
  assert.equal(validateGenerateName('Web-', isDNS1123Subdomain).length, 1);
});
