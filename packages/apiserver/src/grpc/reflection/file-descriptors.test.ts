import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileDescriptorObjects, jsonName, mapEntryName } from './file-descriptors.js';

describe('protoc names', () => {
  const cases = [
    { name: 'camelCase stays', field: 'matchLabels', json: 'matchLabels', entry: 'MatchLabels' },
    { name: 'snake_case', field: 'field_violations', json: 'fieldViolations', entry: 'FieldViolations' },
    { name: 'one word', field: 'data', json: 'data', entry: 'Data' },
    { name: 'digit after underscore', field: 'ipv_4_address', json: 'ipv4Address', entry: 'Ipv4Address' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(jsonName(c.field), c.json);
      assert.equal(mapEntryName(c.field), c.entry);
    });
  }
});

describe('fileDescriptorObjects', () => {
  const source = `syntax = "proto3";
package t.v1;
import "t/v1/other.proto";
message M {
  oneof kind { string a = 1; Other b = 2; }
  optional int64 n = 3;
  map<string, Other> byName = 4;
  repeated string tags = 5;
}
service S { rpc Get(M) returns (Other); rpc Watch(M) returns (stream Other); }`;
  const other = { name: 't/v1/other.proto', source: 'syntax = "proto3";\npackage t.v1;\nmessage Other { string x = 1; }' };
  const [, file] = fileDescriptorObjects([other, { name: 't/v1/m.proto', source }]) as [unknown, any];
  const m = file.message_type[0];

  const cases: { name: string; got: () => unknown; want: unknown }[] = [
    { name: 'the file keeps its name, package and imports', got: () => [file.name, file.package, file.dependency], want: ['t/v1/m.proto', 't.v1', ['t/v1/other.proto']] },
    { name: 'only its own definitions', got: () => file.message_type.map((t: any) => t.name), want: ['M'] },
    { name: 'real oneofs before synthetic ones', got: () => m.oneof_decl.map((o: any) => o.name), want: ['kind', '_n'] },
    { name: 'proto3 optional is a synthetic oneof', got: () => m.field[2], want: { name: 'n', number: 3, json_name: 'n', label: 1, type: 3, oneof_index: 1, proto3_optional: true } },
    { name: 'a message reference is fully qualified', got: () => m.field[1].type_name, want: '.t.v1.Other' },
    { name: 'a map is a repeated <Field>Entry', got: () => [m.field[3].label, m.field[3].type_name], want: [3, '.t.v1.M.ByNameEntry'] },
    { name: 'the entry message has map_entry', got: () => [m.nested_type[0].name, m.nested_type[0].options, m.nested_type[0].field[1].type_name], want: ['ByNameEntry', { map_entry: true }, '.t.v1.Other'] },
    { name: 'streaming only where declared', got: () => file.service[0].method.map((x: any) => [x.name, x.server_streaming ?? false]), want: [['Get', false], ['Watch', true]] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(c.got(), c.want));
});
