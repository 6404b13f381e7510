import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseTokenFile } from './token-file.js';

describe('parseTokenFile', () => {
  const cases: { name: string; text: string; want?: { token: string; name: string; uid: string; groups: string[] }[]; error?: RegExp }[] = [
    { name: 'a bare token (first format)', text: 'abc\n', want: [{ token: 'abc', name: 'user', uid: '', groups: [] }] },
    { name: 'token,user', text: 'abc,admin\n', want: [{ token: 'abc', name: 'admin', uid: '', groups: [] }] },
    { name: "Kubernetes' token,user,uid", text: 'abc,alice,42\n', want: [{ token: 'abc', name: 'alice', uid: '42', groups: [] }] },
    {
      name: 'quoted groups',
      text: 'abc,alice,42,"system:masters,dev"\n',
      want: [{ token: 'abc', name: 'alice', uid: '42', groups: ['system:masters', 'dev'] }],
    },
    { name: 'one unquoted group', text: 'abc,bob,7,ops\n', want: [{ token: 'abc', name: 'bob', uid: '7', groups: ['ops'] }] },
    { name: 'a quote inside a quoted field', text: '"a""b",carol\n', want: [{ token: 'a"b', name: 'carol', uid: '', groups: [] }] },
    {
      name: 'comments, blank lines, spaces and CRLF',
      text: '# tokens\r\n\r\n  abc , admin \r\nxyz,bob,1, "a, b" \r\n',
      want: [
        { token: 'abc', name: 'admin', uid: '', groups: [] },
        { token: 'xyz', name: 'bob', uid: '1', groups: ['a', 'b'] },
      ],
    },
    { name: 'a token listed twice keeps its last line', text: 'abc,first\nabc,second\n', want: [{ token: 'abc', name: 'second', uid: '', groups: [] }] },
    { name: 'an empty token', text: ',admin\n', error: /tokens:1: empty token/ },
    { name: 'an unterminated quote', text: 'abc,alice,1,"a,b\n', error: /tokens:1: unterminated quoted field/ },
    { name: 'no token at all', text: '# nothing\n\n', error: /holds no token/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      if (c.error) {
        assert.throws(() => parseTokenFile(c.text, 'tokens'), c.error);
        return;
      }
      const got = parseTokenFile(c.text, 'tokens').map((t) => ({ token: t.token, name: t.user.name, uid: t.user.uid, groups: t.user.groups }));
      assert.deepEqual(got, c.want);
    });
  }
});
