import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inTreeRegistry } from '../plugins/registry.js';
import { ConfigError } from './config-error.js';
import { loadConfig } from './load.js';

const header = 'apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n';

void test('scheduler configuration: valid files', async (t) => {
  await t.test('empty: one default profile with Kubernetes defaults', () => {
    const c = loadConfig('', inTreeRegistry);
    assert.equal(c.profiles.length, 1);
    const p = c.profiles[0];
    assert.equal(p.schedulerName, 'default-scheduler');
    assert.deepEqual(p.queueSort, ['PrioritySort']);
    assert.deepEqual(p.filter, ['NodeUnschedulable', 'NodeName', 'TaintToleration', 'NodeAffinity', 'NodePorts', 'NodeResourcesFit', 'PodTopologySpread', 'InterPodAffinity']);
    assert.deepEqual(p.postFilter, ['DefaultPreemption']);
    assert.deepEqual(p.score, [
      { name: 'TaintToleration', weight: 3 },
      { name: 'NodeAffinity', weight: 2 },
      { name: 'NodeResourcesFit', weight: 1 },
      { name: 'PodTopologySpread', weight: 2 },
      { name: 'InterPodAffinity', weight: 2 },
      { name: 'NodeResourcesBalancedAllocation', weight: 1 },
      { name: 'ImageLocality', weight: 1 },
    ]);
    assert.deepEqual(p.bind, ['DefaultBinder']);
    assert.equal(c.podInitialBackoffMs, 1000);
    assert.equal(c.podMaxBackoffMs, 10_000);
    assert.equal(p.percentageOfNodesToScore, 0);
  });

  await t.test('two profiles, weights, disabled plugins, bin-packing', () => {
    const c = loadConfig(
      `${header}percentageOfNodesToScore: 20
podMaxBackoffSeconds: 30
profiles:
  - schedulerName: default-scheduler
  - schedulerName: bin-packer
    percentageOfNodesToScore: 70
    plugins:
      score:
        enabled:
          - name: NodeResourcesFit
            weight: 5
        disabled:
          - name: ImageLocality
          - name: NodeResourcesBalancedAllocation
    pluginConfig:
      - name: NodeResourcesFit
        args:
          scoringStrategy:
            type: MostAllocated
            resources:
              - {name: cpu, weight: 1}
              - {name: memory, weight: 1}
`,
      inTreeRegistry,
    );
    assert.deepEqual(c.profiles.map((p) => [p.schedulerName, p.percentageOfNodesToScore]), [['default-scheduler', 20], ['bin-packer', 70]]);
    const bp = c.profiles[1];
    assert.deepEqual(bp.score.map((w) => `${w.name}:${w.weight}`), ['NodeResourcesFit:5', 'TaintToleration:3', 'NodeAffinity:2', 'PodTopologySpread:2', 'InterPodAffinity:2']);
    assert.deepEqual(bp.pluginArgs.NodeResourcesFit, { scoringStrategy: { type: 'MostAllocated', resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }] } });
    assert.equal(c.podMaxBackoffMs, 30_000);
  });

  await t.test('multiPoint disable of everything, then a minimal set', () => {
    const c = loadConfig(
      `${header}profiles:
  - plugins:
      multiPoint:
        disabled: [{name: '*'}]
        enabled: [{name: PrioritySort}, {name: NodeResourcesFit, weight: 2}, {name: DefaultBinder}]
`,
      inTreeRegistry,
    );
    const p = c.profiles[0];
    assert.deepEqual(p.filter, ['NodeResourcesFit']);
    assert.deepEqual(p.score, [{ name: 'NodeResourcesFit', weight: 2 }]);
    assert.deepEqual(p.postFilter, []);
  });
});

void test('scheduler configuration: errors name the field', async (t) => {
  const cases = [
    { name: 'not YAML', text: 'profiles: [', want: /<root>: Invalid value/ },
    { name: 'wrong kind', text: 'apiVersion: kubescheduler.config.k8s.io/v1\nkind: Policy\n', want: /kind: Unsupported value: "Policy"/ },
    { name: 'unknown field', text: `${header}percentOfNodes: 5\n`, want: /percentOfNodes: unknown field/ },
    { name: 'percentage out of range', text: `${header}percentageOfNodesToScore: 120\n`, want: /percentageOfNodesToScore: Invalid value: 120: not in valid range \[0-100\]/ },
    { name: 'max backoff below initial', text: `${header}podInitialBackoffSeconds: 5\npodMaxBackoffSeconds: 2\n`, want: /podMaxBackoffSeconds: Invalid value: 2: must be greater than or equal to PodInitialBackoffSeconds/ },
    { name: 'duplicate scheduler names', text: `${header}profiles: [{schedulerName: a}, {schedulerName: a}]\n`, want: /profiles\[1\]\.schedulerName: Duplicate value: "a"/ },
    { name: 'unknown plugin', text: `${header}profiles: [{plugins: {score: {enabled: [{name: Foo}]}}}]\n`, want: /profiles\[0\]\.plugins\.score\.enabled\[0\]\.name: Invalid value: "Foo": not a registered plugin/ },
    { name: 'plugin at a point it does not implement', text: `${header}profiles: [{plugins: {filter: {enabled: [{name: ImageLocality}]}}}]\n`, want: /plugins\.filter\.enabled\[0\]\.name: Invalid value: "ImageLocality": plugin does not implement filter/ },
    { name: 'weight out of range', text: `${header}profiles: [{plugins: {score: {enabled: [{name: ImageLocality, weight: 1000}]}}}]\n`, want: /weight: Invalid value: 1000/ },
    {
      name: 'unknown scoring strategy',
      text: `${header}profiles: [{pluginConfig: [{name: NodeResourcesFit, args: {scoringStrategy: {type: Fancy}}}]}]\n`,
      want: /profiles\[0\]\.pluginConfig\[0\]\.args\.scoringStrategy\.type: Unsupported value: "Fancy": supported values: "LeastAllocated", "MostAllocated"/,
    },
    { name: 'resource weight out of range', text: `${header}profiles: [{pluginConfig: [{name: NodeResourcesFit, args: {scoringStrategy: {type: MostAllocated, resources: [{name: cpu, weight: 0}]}}}]}]\n`, want: /resources\[0\]\.weight: Invalid value: 0: resource weight of cpu not in valid range \[1, 100\]/ },
    { name: 'no queue sort left', text: `${header}profiles: [{plugins: {queueSort: {disabled: [{name: '*'}]}}}]\n`, want: /profiles\[0\]\.plugins\.queueSort: Invalid value: exactly one queue sort plugin is required, got 0/ },
    { name: 'several problems are all reported', text: `${header}percentageOfNodesToScore: -1\nprofiles: [{plugins: {score: {enabled: [{name: Nope}]}}}]\n`, want: /percentageOfNodesToScore: .*; profiles\[0\]\.plugins\.score\.enabled\[0\]\.name/ },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      assert.throws(
        () => loadConfig(c.text, inTreeRegistry, 'test.yaml'),
        (err: unknown) => err instanceof ConfigError && c.want.test(err.message) && err.message.startsWith('invalid scheduler configuration test.yaml: '),
      );
    });
  }
});
