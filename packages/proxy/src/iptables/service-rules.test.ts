import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Service } from '@skiff/api';
import { endpoints, service, type Addr } from '../testing/objects.js';
import { endpointsOf } from '../tracker/endpoint-info.js';
import { servicePortsOf } from '../tracker/service-port.js';
import { serviceChain } from './chain-names.js';
import { servicePortRules, type ProxyRulesConfig } from './service-rules.js';

/** The rules of every port of `svc`, grouped by where they go, as text. */
function renderService(svc: Service, addrs: Addr[], targetPort: number, cfg: ProxyRulesConfig = { clusterCIDR: '10.244.0.0/16' }): string {
  const ports = [...servicePortsOf(svc).values()];
  const eps = endpointsOf(
    endpoints(svc.metadata?.namespace ?? '', svc.metadata?.name ?? '', addrs, ports.map((p) => ({ name: p.portName || undefined, port: targetPort, protocol: p.protocol }))),
    'node1',
  );
  const out: string[] = [];
  for (const p of ports) {
    const r = servicePortRules(p, eps.get(p.name) ?? [], cfg);
    out.push('# nat', ...r.natServices, ...r.natNodePorts);
    for (const [c, rules] of r.chains) out.push(`:${c}`, ...rules);
    out.push('# filter', ...r.filterServices, ...r.filterExternal);
  }
  return out.join('\n') + '\n';
}

const ip = (n: number, node?: string): Addr => ({ ip: `10.244.${node === 'node1' ? 1 : 2}.${n}`, ...(node ? { node } : {}) });

interface Case {
  name: string;
  svc: Service;
  addrs: Addr[];
  cfg?: ProxyRulesConfig;
  want: string;
}

const cases: Case[] = [
  { name: 'ClusterIP, three ready endpoints: statistic 1/3, 1/2, then the last', svc: service('ns1', 'web', { clusterIP: '10.96.0.10', ports: [{ name: 'http', port: 80, targetPort: 'http' }] }), addrs: [ip(3), ip(4), ip(5, 'node1')], want: `# nat
-A SKIFF-SERVICES -m comment --comment "ns1/web:http cluster IP" -m tcp -p tcp -d 10.96.0.10 --dport 80 -j SKIFF-SVC-4LVCYZMTA5CQO6SX
:SKIFF-SVC-4LVCYZMTA5CQO6SX
-A SKIFF-SVC-4LVCYZMTA5CQO6SX -m comment --comment "ns1/web:http cluster IP" -m tcp -p tcp -d 10.96.0.10 --dport 80 ! -s 10.244.0.0/16 -j SKIFF-MARK-MASQ
-A SKIFF-SVC-4LVCYZMTA5CQO6SX -m comment --comment "ns1/web:http -> 10.244.1.5:8080" -m statistic --mode random --probability 0.3333333333 -j SKIFF-SEP-OXQUDQKXE4KJEHIO
-A SKIFF-SVC-4LVCYZMTA5CQO6SX -m comment --comment "ns1/web:http -> 10.244.2.3:8080" -m statistic --mode random --probability 0.5000000000 -j SKIFF-SEP-ODQXN5PJFWHJCIMV
-A SKIFF-SVC-4LVCYZMTA5CQO6SX -m comment --comment "ns1/web:http -> 10.244.2.4:8080" -j SKIFF-SEP-K54XRF3QYOQOW2NN
:SKIFF-SEP-OXQUDQKXE4KJEHIO
-A SKIFF-SEP-OXQUDQKXE4KJEHIO -m comment --comment ns1/web:http -s 10.244.1.5 -j SKIFF-MARK-MASQ
-A SKIFF-SEP-OXQUDQKXE4KJEHIO -m comment --comment ns1/web:http -m tcp -p tcp -j DNAT --to-destination 10.244.1.5:8080
:SKIFF-SEP-ODQXN5PJFWHJCIMV
-A SKIFF-SEP-ODQXN5PJFWHJCIMV -m comment --comment ns1/web:http -s 10.244.2.3 -j SKIFF-MARK-MASQ
-A SKIFF-SEP-ODQXN5PJFWHJCIMV -m comment --comment ns1/web:http -m tcp -p tcp -j DNAT --to-destination 10.244.2.3:8080
:SKIFF-SEP-K54XRF3QYOQOW2NN
-A SKIFF-SEP-K54XRF3QYOQOW2NN -m comment --comment ns1/web:http -s 10.244.2.4 -j SKIFF-MARK-MASQ
-A SKIFF-SEP-K54XRF3QYOQOW2NN -m comment --comment ns1/web:http -m tcp -p tcp -j DNAT --to-destination 10.244.2.4:8080
# filter
`,
  },
  { name: 'UDP, one endpoint, unnamed port', svc: service('ns1', 'dns', { clusterIP: '10.96.0.53', ports: [{ port: 53, protocol: 'UDP' }] }), addrs: [ip(7)], want: `# nat
-A SKIFF-SERVICES -m comment --comment "ns1/dns cluster IP" -m udp -p udp -d 10.96.0.53 --dport 53 -j SKIFF-SVC-IIU7RI4YYSQY3FXW
:SKIFF-SVC-IIU7RI4YYSQY3FXW
-A SKIFF-SVC-IIU7RI4YYSQY3FXW -m comment --comment "ns1/dns cluster IP" -m udp -p udp -d 10.96.0.53 --dport 53 ! -s 10.244.0.0/16 -j SKIFF-MARK-MASQ
-A SKIFF-SVC-IIU7RI4YYSQY3FXW -m comment --comment "ns1/dns -> 10.244.2.7:8080" -j SKIFF-SEP-2XUOKQCP76EJQZC4
:SKIFF-SEP-2XUOKQCP76EJQZC4
-A SKIFF-SEP-2XUOKQCP76EJQZC4 -m comment --comment ns1/dns -s 10.244.2.7 -j SKIFF-MARK-MASQ
-A SKIFF-SEP-2XUOKQCP76EJQZC4 -m comment --comment ns1/dns -m udp -p udp -j DNAT --to-destination 10.244.2.7:8080
# filter
`,
  },
  { name: 'no endpoints: REJECT in filter, no chains', svc: service('ns1', 'empty', { clusterIP: '10.96.0.11', ports: [{ name: 'http', port: 80 }] }), addrs: [], want: `# nat
# filter
-A SKIFF-SERVICES -m comment --comment "ns1/empty:http has no endpoints" -m tcp -p tcp -d 10.96.0.11 --dport 80 -j REJECT
`,
  },
  { name: 'only not-ready endpoints: REJECT', svc: service('ns1', 'starting', { clusterIP: '10.96.0.12', ports: [{ name: 'http', port: 80 }] }), addrs: [{ ip: '10.244.2.9', ready: false }], want: `# nat
# filter
-A SKIFF-SERVICES -m comment --comment "ns1/starting:http has no endpoints" -m tcp -p tcp -d 10.96.0.12 --dport 80 -j REJECT
`,
  },
  { name: 'NodePort and externalIPs, Cluster policy: EXT chain masquerades', svc: service('ns2', 'np', { type: 'NodePort', clusterIP: '10.96.0.20', externalIPs: ['192.168.99.22'], ports: [{ name: 'http', port: 80, nodePort: 30080 }] }), addrs: [ip(3), ip(4, 'node1')], want: `# nat
-A SKIFF-SERVICES -m comment --comment "ns2/np:http cluster IP" -m tcp -p tcp -d 10.96.0.20 --dport 80 -j SKIFF-SVC-CNWPH4VFLNYVSHDP
-A SKIFF-SERVICES -m comment --comment "ns2/np:http external IP" -m tcp -p tcp -d 192.168.99.22 --dport 80 -j SKIFF-EXT-CNWPH4VFLNYVSHDP
-A SKIFF-NODEPORTS -m comment --comment ns2/np:http -m tcp -p tcp --dport 30080 -j SKIFF-EXT-CNWPH4VFLNYVSHDP
:SKIFF-EXT-CNWPH4VFLNYVSHDP
-A SKIFF-EXT-CNWPH4VFLNYVSHDP -m comment --comment "masquerade traffic for ns2/np:http external destinations" -j SKIFF-MARK-MASQ
-A SKIFF-EXT-CNWPH4VFLNYVSHDP -j SKIFF-SVC-CNWPH4VFLNYVSHDP
:SKIFF-SVC-CNWPH4VFLNYVSHDP
-A SKIFF-SVC-CNWPH4VFLNYVSHDP -m comment --comment "ns2/np:http cluster IP" -m tcp -p tcp -d 10.96.0.20 --dport 80 ! -s 10.244.0.0/16 -j SKIFF-MARK-MASQ
-A SKIFF-SVC-CNWPH4VFLNYVSHDP -m comment --comment "ns2/np:http -> 10.244.1.4:8080" -m statistic --mode random --probability 0.5000000000 -j SKIFF-SEP-X4IDCGFSMDZYTWTJ
-A SKIFF-SVC-CNWPH4VFLNYVSHDP -m comment --comment "ns2/np:http -> 10.244.2.3:8080" -j SKIFF-SEP-ILOM5ZZZJUAMQSLJ
:SKIFF-SEP-X4IDCGFSMDZYTWTJ
-A SKIFF-SEP-X4IDCGFSMDZYTWTJ -m comment --comment ns2/np:http -s 10.244.1.4 -j SKIFF-MARK-MASQ
-A SKIFF-SEP-X4IDCGFSMDZYTWTJ -m comment --comment ns2/np:http -m tcp -p tcp -j DNAT --to-destination 10.244.1.4:8080
:SKIFF-SEP-ILOM5ZZZJUAMQSLJ
-A SKIFF-SEP-ILOM5ZZZJUAMQSLJ -m comment --comment ns2/np:http -s 10.244.2.3 -j SKIFF-MARK-MASQ
-A SKIFF-SEP-ILOM5ZZZJUAMQSLJ -m comment --comment ns2/np:http -m tcp -p tcp -j DNAT --to-destination 10.244.2.3:8080
# filter
`,
  },
  { name: 'NodePort Local: pods and the node go to SVC, the rest keeps its source and goes to XLB (local endpoints)', svc: service('ns2', 'local', { type: 'NodePort', clusterIP: '10.96.0.21', externalTrafficPolicy: 'Local', externalIPs: ['192.168.99.23'], ports: [{ name: 'http', port: 80, nodePort: 30081 }] }), addrs: [ip(3), ip(4, 'node1')], want: `# nat
-A SKIFF-SERVICES -m comment --comment "ns2/local:http cluster IP" -m tcp -p tcp -d 10.96.0.21 --dport 80 -j SKIFF-SVC-K5TNFMNM3UKAC2VD
-A SKIFF-SERVICES -m comment --comment "ns2/local:http external IP" -m tcp -p tcp -d 192.168.99.23 --dport 80 -j SKIFF-EXT-K5TNFMNM3UKAC2VD
-A SKIFF-NODEPORTS -m comment --comment ns2/local:http -m tcp -p tcp --dport 30081 -j SKIFF-EXT-K5TNFMNM3UKAC2VD
:SKIFF-EXT-K5TNFMNM3UKAC2VD
-A SKIFF-EXT-K5TNFMNM3UKAC2VD -m comment --comment "pod traffic for ns2/local:http external destinations" -s 10.244.0.0/16 -j SKIFF-SVC-K5TNFMNM3UKAC2VD
-A SKIFF-EXT-K5TNFMNM3UKAC2VD -m comment --comment "masquerade LOCAL traffic for ns2/local:http external destinations" -m addrtype --src-type LOCAL -j SKIFF-MARK-MASQ
-A SKIFF-EXT-K5TNFMNM3UKAC2VD -m comment --comment "route LOCAL traffic for ns2/local:http external destinations" -m addrtype --src-type LOCAL -j SKIFF-SVC-K5TNFMNM3UKAC2VD
-A SKIFF-EXT-K5TNFMNM3UKAC2VD -j SKIFF-XLB-K5TNFMNM3UKAC2VD
:SKIFF-SVC-K5TNFMNM3UKAC2VD
-A SKIFF-SVC-K5TNFMNM3UKAC2VD -m comment --comment "ns2/local:http cluster IP" -m tcp -p tcp -d 10.96.0.21 --dport 80 ! -s 10.244.0.0/16 -j SKIFF-MARK-MASQ
-A SKIFF-SVC-K5TNFMNM3UKAC2VD -m comment --comment "ns2/local:http -> 10.244.1.4:8080" -m statistic --mode random --probability 0.5000000000 -j SKIFF-SEP-ISRBAB5LDMNW5POA
-A SKIFF-SVC-K5TNFMNM3UKAC2VD -m comment --comment "ns2/local:http -> 10.244.2.3:8080" -j SKIFF-SEP-MHNVFZIW6JFTZ24W
:SKIFF-XLB-K5TNFMNM3UKAC2VD
-A SKIFF-XLB-K5TNFMNM3UKAC2VD -m comment --comment "ns2/local:http -> 10.244.1.4:8080" -j SKIFF-SEP-ISRBAB5LDMNW5POA
:SKIFF-SEP-ISRBAB5LDMNW5POA
-A SKIFF-SEP-ISRBAB5LDMNW5POA -m comment --comment ns2/local:http -s 10.244.1.4 -j SKIFF-MARK-MASQ
-A SKIFF-SEP-ISRBAB5LDMNW5POA -m comment --comment ns2/local:http -m tcp -p tcp -j DNAT --to-destination 10.244.1.4:8080
:SKIFF-SEP-MHNVFZIW6JFTZ24W
-A SKIFF-SEP-MHNVFZIW6JFTZ24W -m comment --comment ns2/local:http -s 10.244.2.3 -j SKIFF-MARK-MASQ
-A SKIFF-SEP-MHNVFZIW6JFTZ24W -m comment --comment ns2/local:http -m tcp -p tcp -j DNAT --to-destination 10.244.2.3:8080
# filter
`,
  },
  { name: 'NodePort Local without local endpoints: DROP external traffic, EXT short-circuits local and pod traffic only', svc: service('ns2', 'remote', { type: 'NodePort', clusterIP: '10.96.0.22', externalTrafficPolicy: 'Local', ports: [{ name: 'http', port: 80, nodePort: 30082 }] }), addrs: [ip(3)], want: `# nat
-A SKIFF-SERVICES -m comment --comment "ns2/remote:http cluster IP" -m tcp -p tcp -d 10.96.0.22 --dport 80 -j SKIFF-SVC-HBTVD77TQAAICCV4
-A SKIFF-NODEPORTS -m comment --comment ns2/remote:http -m tcp -p tcp --dport 30082 -j SKIFF-EXT-HBTVD77TQAAICCV4
:SKIFF-EXT-HBTVD77TQAAICCV4
-A SKIFF-EXT-HBTVD77TQAAICCV4 -m comment --comment "pod traffic for ns2/remote:http external destinations" -s 10.244.0.0/16 -j SKIFF-SVC-HBTVD77TQAAICCV4
-A SKIFF-EXT-HBTVD77TQAAICCV4 -m comment --comment "masquerade LOCAL traffic for ns2/remote:http external destinations" -m addrtype --src-type LOCAL -j SKIFF-MARK-MASQ
-A SKIFF-EXT-HBTVD77TQAAICCV4 -m comment --comment "route LOCAL traffic for ns2/remote:http external destinations" -m addrtype --src-type LOCAL -j SKIFF-SVC-HBTVD77TQAAICCV4
:SKIFF-SVC-HBTVD77TQAAICCV4
-A SKIFF-SVC-HBTVD77TQAAICCV4 -m comment --comment "ns2/remote:http cluster IP" -m tcp -p tcp -d 10.96.0.22 --dport 80 ! -s 10.244.0.0/16 -j SKIFF-MARK-MASQ
-A SKIFF-SVC-HBTVD77TQAAICCV4 -m comment --comment "ns2/remote:http -> 10.244.2.3:8080" -j SKIFF-SEP-VV5N7XPTSLPYZEYH
:SKIFF-SEP-VV5N7XPTSLPYZEYH
-A SKIFF-SEP-VV5N7XPTSLPYZEYH -m comment --comment ns2/remote:http -s 10.244.2.3 -j SKIFF-MARK-MASQ
-A SKIFF-SEP-VV5N7XPTSLPYZEYH -m comment --comment ns2/remote:http -m tcp -p tcp -j DNAT --to-destination 10.244.2.3:8080
# filter
-A SKIFF-EXTERNAL-SERVICES -m comment --comment "ns2/remote:http has no local endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 30082 -j DROP
`,
  },
  { name: 'NodePort without endpoints: REJECT the cluster IP, the external IP and the node port', svc: service('ns2', 'none', { type: 'NodePort', clusterIP: '10.96.0.23', externalIPs: ['192.168.99.24'], ports: [{ name: 'http', port: 80, nodePort: 30083 }] }), addrs: [], want: `# nat
# filter
-A SKIFF-SERVICES -m comment --comment "ns2/none:http has no endpoints" -m tcp -p tcp -d 10.96.0.23 --dport 80 -j REJECT
-A SKIFF-EXTERNAL-SERVICES -m comment --comment "ns2/none:http has no endpoints" -m tcp -p tcp -d 192.168.99.24 --dport 80 -j REJECT
-A SKIFF-EXTERNAL-SERVICES -m comment --comment "ns2/none:http has no endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 30083 -j REJECT
`,
  },
  { name: 'session affinity ClientIP: recent --rcheck per endpoint before the statistic rules, --set in SEP', svc: service('ns3', 'sticky', { clusterIP: '10.96.0.30', sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 600 } }, ports: [{ name: 'http', port: 80 }] }), addrs: [ip(3), ip(4)], want: `# nat
-A SKIFF-SERVICES -m comment --comment "ns3/sticky:http cluster IP" -m tcp -p tcp -d 10.96.0.30 --dport 80 -j SKIFF-SVC-GL7DSKDEECOD3U2U
:SKIFF-SVC-GL7DSKDEECOD3U2U
-A SKIFF-SVC-GL7DSKDEECOD3U2U -m comment --comment "ns3/sticky:http cluster IP" -m tcp -p tcp -d 10.96.0.30 --dport 80 ! -s 10.244.0.0/16 -j SKIFF-MARK-MASQ
-A SKIFF-SVC-GL7DSKDEECOD3U2U -m comment --comment "ns3/sticky:http -> 10.244.2.3:8080" -m recent --name SKIFF-SEP-RH7RQCDU4KCC765A --rcheck --seconds 600 --reap -j SKIFF-SEP-RH7RQCDU4KCC765A
-A SKIFF-SVC-GL7DSKDEECOD3U2U -m comment --comment "ns3/sticky:http -> 10.244.2.4:8080" -m recent --name SKIFF-SEP-XHPPKJTBQ2C4BBYR --rcheck --seconds 600 --reap -j SKIFF-SEP-XHPPKJTBQ2C4BBYR
-A SKIFF-SVC-GL7DSKDEECOD3U2U -m comment --comment "ns3/sticky:http -> 10.244.2.3:8080" -m statistic --mode random --probability 0.5000000000 -j SKIFF-SEP-RH7RQCDU4KCC765A
-A SKIFF-SVC-GL7DSKDEECOD3U2U -m comment --comment "ns3/sticky:http -> 10.244.2.4:8080" -j SKIFF-SEP-XHPPKJTBQ2C4BBYR
:SKIFF-SEP-RH7RQCDU4KCC765A
-A SKIFF-SEP-RH7RQCDU4KCC765A -m comment --comment ns3/sticky:http -s 10.244.2.3 -j SKIFF-MARK-MASQ
-A SKIFF-SEP-RH7RQCDU4KCC765A -m comment --comment ns3/sticky:http -m recent --name SKIFF-SEP-RH7RQCDU4KCC765A --set -m tcp -p tcp -j DNAT --to-destination 10.244.2.3:8080
:SKIFF-SEP-XHPPKJTBQ2C4BBYR
-A SKIFF-SEP-XHPPKJTBQ2C4BBYR -m comment --comment ns3/sticky:http -s 10.244.2.4 -j SKIFF-MARK-MASQ
-A SKIFF-SEP-XHPPKJTBQ2C4BBYR -m comment --comment ns3/sticky:http -m recent --name SKIFF-SEP-XHPPKJTBQ2C4BBYR --set -m tcp -p tcp -j DNAT --to-destination 10.244.2.4:8080
# filter
`,
  },
  { name: 'masqueradeAll marks every packet to the cluster IP', svc: service('ns3', 'all', { clusterIP: '10.96.0.31', ports: [{ name: 'http', port: 80 }] }), addrs: [ip(3)], cfg: { masqueradeAll: true }, want: `# nat
-A SKIFF-SERVICES -m comment --comment "ns3/all:http cluster IP" -m tcp -p tcp -d 10.96.0.31 --dport 80 -j SKIFF-SVC-HG4QNEDJAPRWIPA3
:SKIFF-SVC-HG4QNEDJAPRWIPA3
-A SKIFF-SVC-HG4QNEDJAPRWIPA3 -m comment --comment "ns3/all:http cluster IP" -m tcp -p tcp -d 10.96.0.31 --dport 80 -j SKIFF-MARK-MASQ
-A SKIFF-SVC-HG4QNEDJAPRWIPA3 -m comment --comment "ns3/all:http -> 10.244.2.3:8080" -j SKIFF-SEP-2552LBVAPPMP3RCS
:SKIFF-SEP-2552LBVAPPMP3RCS
-A SKIFF-SEP-2552LBVAPPMP3RCS -m comment --comment ns3/all:http -s 10.244.2.3 -j SKIFF-MARK-MASQ
-A SKIFF-SEP-2552LBVAPPMP3RCS -m comment --comment ns3/all:http -m tcp -p tcp -j DNAT --to-destination 10.244.2.3:8080
# filter
`,
  },
  { name: 'without a cluster CIDR nothing is marked in SVC (hairpin masquerade in SEP stays)', svc: service('ns3', 'nocidr', { clusterIP: '10.96.0.32', ports: [{ name: 'http', port: 80 }] }), addrs: [ip(3)], cfg: {}, want: `# nat
-A SKIFF-SERVICES -m comment --comment "ns3/nocidr:http cluster IP" -m tcp -p tcp -d 10.96.0.32 --dport 80 -j SKIFF-SVC-X3QFR2U7MODWYAHO
:SKIFF-SVC-X3QFR2U7MODWYAHO
-A SKIFF-SVC-X3QFR2U7MODWYAHO -m comment --comment "ns3/nocidr:http -> 10.244.2.3:8080" -j SKIFF-SEP-H3FNTCQ6VOFZSKBE
:SKIFF-SEP-H3FNTCQ6VOFZSKBE
-A SKIFF-SEP-H3FNTCQ6VOFZSKBE -m comment --comment ns3/nocidr:http -s 10.244.2.3 -j SKIFF-MARK-MASQ
-A SKIFF-SEP-H3FNTCQ6VOFZSKBE -m comment --comment ns3/nocidr:http -m tcp -p tcp -j DNAT --to-destination 10.244.2.3:8080
# filter
`,
  },
  { name: 'internalTrafficPolicy Local: the cluster IP goes to XLB with this node\'s endpoints', svc: service('ns3', 'itp', { clusterIP: '10.96.0.33', internalTrafficPolicy: 'Local', ports: [{ name: 'http', port: 80 }] }), addrs: [ip(3), ip(4, 'node1')], want: `# nat
-A SKIFF-SERVICES -m comment --comment "ns3/itp:http cluster IP" -m tcp -p tcp -d 10.96.0.33 --dport 80 -j SKIFF-XLB-QHDDK2VROBXB2Q5K
:SKIFF-XLB-QHDDK2VROBXB2Q5K
-A SKIFF-XLB-QHDDK2VROBXB2Q5K -m comment --comment "ns3/itp:http cluster IP" -m tcp -p tcp -d 10.96.0.33 --dport 80 ! -s 10.244.0.0/16 -j SKIFF-MARK-MASQ
-A SKIFF-XLB-QHDDK2VROBXB2Q5K -m comment --comment "ns3/itp:http -> 10.244.1.4:8080" -j SKIFF-SEP-CW4KCZQKV6RCL5WL
:SKIFF-SEP-CW4KCZQKV6RCL5WL
-A SKIFF-SEP-CW4KCZQKV6RCL5WL -m comment --comment ns3/itp:http -s 10.244.1.4 -j SKIFF-MARK-MASQ
-A SKIFF-SEP-CW4KCZQKV6RCL5WL -m comment --comment ns3/itp:http -m tcp -p tcp -j DNAT --to-destination 10.244.1.4:8080
# filter
`,
  },
  { name: 'internalTrafficPolicy Local without local endpoints: DROP', svc: service('ns3', 'itp2', { clusterIP: '10.96.0.34', internalTrafficPolicy: 'Local', ports: [{ name: 'http', port: 80 }] }), addrs: [ip(3)], want: `# nat
# filter
-A SKIFF-SERVICES -m comment --comment "ns3/itp2:http has no local endpoints" -m tcp -p tcp -d 10.96.0.34 --dport 80 -j DROP
`,
  },
  { name: 'large cluster mode (kube-proxy\'s, over 1,000 endpoints): no comment on the per-endpoint rules and jumps', svc: service('ns3', 'sticky', { clusterIP: '10.96.0.30', sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 600 } }, ports: [{ name: 'http', port: 80 }] }), addrs: [ip(3), ip(4)], cfg: { clusterCIDR: '10.244.0.0/16', largeClusterMode: true }, want: `# nat
-A SKIFF-SERVICES -m comment --comment "ns3/sticky:http cluster IP" -m tcp -p tcp -d 10.96.0.30 --dport 80 -j SKIFF-SVC-GL7DSKDEECOD3U2U
:SKIFF-SVC-GL7DSKDEECOD3U2U
-A SKIFF-SVC-GL7DSKDEECOD3U2U -m comment --comment "ns3/sticky:http cluster IP" -m tcp -p tcp -d 10.96.0.30 --dport 80 ! -s 10.244.0.0/16 -j SKIFF-MARK-MASQ
-A SKIFF-SVC-GL7DSKDEECOD3U2U -m recent --name SKIFF-SEP-RH7RQCDU4KCC765A --rcheck --seconds 600 --reap -j SKIFF-SEP-RH7RQCDU4KCC765A
-A SKIFF-SVC-GL7DSKDEECOD3U2U -m recent --name SKIFF-SEP-XHPPKJTBQ2C4BBYR --rcheck --seconds 600 --reap -j SKIFF-SEP-XHPPKJTBQ2C4BBYR
-A SKIFF-SVC-GL7DSKDEECOD3U2U -m statistic --mode random --probability 0.5000000000 -j SKIFF-SEP-RH7RQCDU4KCC765A
-A SKIFF-SVC-GL7DSKDEECOD3U2U -j SKIFF-SEP-XHPPKJTBQ2C4BBYR
:SKIFF-SEP-RH7RQCDU4KCC765A
-A SKIFF-SEP-RH7RQCDU4KCC765A -s 10.244.2.3 -j SKIFF-MARK-MASQ
-A SKIFF-SEP-RH7RQCDU4KCC765A -m recent --name SKIFF-SEP-RH7RQCDU4KCC765A --set -m tcp -p tcp -j DNAT --to-destination 10.244.2.3:8080
:SKIFF-SEP-XHPPKJTBQ2C4BBYR
-A SKIFF-SEP-XHPPKJTBQ2C4BBYR -s 10.244.2.4 -j SKIFF-MARK-MASQ
-A SKIFF-SEP-XHPPKJTBQ2C4BBYR -m recent --name SKIFF-SEP-XHPPKJTBQ2C4BBYR --set -m tcp -p tcp -j DNAT --to-destination 10.244.2.4:8080
# filter
`,
  },
  { name: 'two ports, TCP and UDP: one SVC chain each', svc: service('ns4', 'multi', { clusterIP: '10.96.0.40', ports: [{ name: 'tcp', port: 53 }, { name: 'udp', port: 53, protocol: 'UDP' }] }), addrs: [ip(3)], want: `# nat
-A SKIFF-SERVICES -m comment --comment "ns4/multi:tcp cluster IP" -m tcp -p tcp -d 10.96.0.40 --dport 53 -j SKIFF-SVC-WKSNULYBDVG7AIOW
:SKIFF-SVC-WKSNULYBDVG7AIOW
-A SKIFF-SVC-WKSNULYBDVG7AIOW -m comment --comment "ns4/multi:tcp cluster IP" -m tcp -p tcp -d 10.96.0.40 --dport 53 ! -s 10.244.0.0/16 -j SKIFF-MARK-MASQ
-A SKIFF-SVC-WKSNULYBDVG7AIOW -m comment --comment "ns4/multi:tcp -> 10.244.2.3:8080" -j SKIFF-SEP-YEFRCIZ54FTAUG7G
:SKIFF-SEP-YEFRCIZ54FTAUG7G
-A SKIFF-SEP-YEFRCIZ54FTAUG7G -m comment --comment ns4/multi:tcp -s 10.244.2.3 -j SKIFF-MARK-MASQ
-A SKIFF-SEP-YEFRCIZ54FTAUG7G -m comment --comment ns4/multi:tcp -m tcp -p tcp -j DNAT --to-destination 10.244.2.3:8080
# filter
# nat
-A SKIFF-SERVICES -m comment --comment "ns4/multi:udp cluster IP" -m udp -p udp -d 10.96.0.40 --dport 53 -j SKIFF-SVC-LDP7CRCGKGE6UZMM
:SKIFF-SVC-LDP7CRCGKGE6UZMM
-A SKIFF-SVC-LDP7CRCGKGE6UZMM -m comment --comment "ns4/multi:udp cluster IP" -m udp -p udp -d 10.96.0.40 --dport 53 ! -s 10.244.0.0/16 -j SKIFF-MARK-MASQ
-A SKIFF-SVC-LDP7CRCGKGE6UZMM -m comment --comment "ns4/multi:udp -> 10.244.2.3:8080" -j SKIFF-SEP-C6JUJB7GOEZXTPVL
:SKIFF-SEP-C6JUJB7GOEZXTPVL
-A SKIFF-SEP-C6JUJB7GOEZXTPVL -m comment --comment ns4/multi:udp -s 10.244.2.3 -j SKIFF-MARK-MASQ
-A SKIFF-SEP-C6JUJB7GOEZXTPVL -m comment --comment ns4/multi:udp -m udp -p udp -j DNAT --to-destination 10.244.2.3:8080
# filter
`,
  },
  { name: 'endpoints on other nodes: DNAT straight from SVC with -p (no hairpin from them reaches this node); those on this node keep their SEP chain', svc: service('ns5', 'spread', { clusterIP: '10.96.0.50', ports: [{ name: 'http', port: 80 }] }), addrs: [ip(3, 'node2'), ip(4, 'node2'), ip(5, 'node1')], want: `# nat
-A SKIFF-SERVICES -m comment --comment "ns5/spread:http cluster IP" -m tcp -p tcp -d 10.96.0.50 --dport 80 -j SKIFF-SVC-PIXVD4N25T6OB6QQ
:SKIFF-SVC-PIXVD4N25T6OB6QQ
-A SKIFF-SVC-PIXVD4N25T6OB6QQ -m comment --comment "ns5/spread:http cluster IP" -m tcp -p tcp -d 10.96.0.50 --dport 80 ! -s 10.244.0.0/16 -j SKIFF-MARK-MASQ
-A SKIFF-SVC-PIXVD4N25T6OB6QQ -m comment --comment "ns5/spread:http -> 10.244.1.5:8080" -m statistic --mode random --probability 0.3333333333 -j SKIFF-SEP-JQAHJKYXFHBRSWKT
-A SKIFF-SVC-PIXVD4N25T6OB6QQ -m comment --comment "ns5/spread:http -> 10.244.2.3:8080" -m statistic --mode random --probability 0.5000000000 -p tcp -j DNAT --to-destination 10.244.2.3:8080
-A SKIFF-SVC-PIXVD4N25T6OB6QQ -m comment --comment "ns5/spread:http -> 10.244.2.4:8080" -p tcp -j DNAT --to-destination 10.244.2.4:8080
:SKIFF-SEP-JQAHJKYXFHBRSWKT
-A SKIFF-SEP-JQAHJKYXFHBRSWKT -m comment --comment ns5/spread:http -s 10.244.1.5 -j SKIFF-MARK-MASQ
-A SKIFF-SEP-JQAHJKYXFHBRSWKT -m comment --comment ns5/spread:http -m tcp -p tcp -j DNAT --to-destination 10.244.1.5:8080
# filter
`,
  },
  { name: 'ClientIP affinity: endpoints on other nodes keep their SEP chain (the recent lists are named after it)', svc: service('ns5', 'sticky', { clusterIP: '10.96.0.51', sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 600 } }, ports: [{ name: 'http', port: 80 }] }), addrs: [ip(3, 'node2')], want: `# nat
-A SKIFF-SERVICES -m comment --comment "ns5/sticky:http cluster IP" -m tcp -p tcp -d 10.96.0.51 --dport 80 -j SKIFF-SVC-K6L6BOBP6PCNO52X
:SKIFF-SVC-K6L6BOBP6PCNO52X
-A SKIFF-SVC-K6L6BOBP6PCNO52X -m comment --comment "ns5/sticky:http cluster IP" -m tcp -p tcp -d 10.96.0.51 --dport 80 ! -s 10.244.0.0/16 -j SKIFF-MARK-MASQ
-A SKIFF-SVC-K6L6BOBP6PCNO52X -m comment --comment "ns5/sticky:http -> 10.244.2.3:8080" -m recent --name SKIFF-SEP-QMV2WFJRGDXYIDLC --rcheck --seconds 600 --reap -j SKIFF-SEP-QMV2WFJRGDXYIDLC
-A SKIFF-SVC-K6L6BOBP6PCNO52X -m comment --comment "ns5/sticky:http -> 10.244.2.3:8080" -j SKIFF-SEP-QMV2WFJRGDXYIDLC
:SKIFF-SEP-QMV2WFJRGDXYIDLC
-A SKIFF-SEP-QMV2WFJRGDXYIDLC -m comment --comment ns5/sticky:http -s 10.244.2.3 -j SKIFF-MARK-MASQ
-A SKIFF-SEP-QMV2WFJRGDXYIDLC -m comment --comment ns5/sticky:http -m recent --name SKIFF-SEP-QMV2WFJRGDXYIDLC --set -m tcp -p tcp -j DNAT --to-destination 10.244.2.3:8080
# filter
`,
  },
  { name: 'NodePort Local: endpoints on other nodes keep their SEP chain (pod traffic to the node port reaches SVC unmarked)', svc: service('ns5', 'local', { type: 'NodePort', clusterIP: '10.96.0.52', externalTrafficPolicy: 'Local', ports: [{ name: 'http', port: 80, nodePort: 30085 }] }), addrs: [ip(3, 'node2'), ip(4, 'node1')], want: `# nat
-A SKIFF-SERVICES -m comment --comment "ns5/local:http cluster IP" -m tcp -p tcp -d 10.96.0.52 --dport 80 -j SKIFF-SVC-BS3X5NHEAMSK24QT
-A SKIFF-NODEPORTS -m comment --comment ns5/local:http -m tcp -p tcp --dport 30085 -j SKIFF-EXT-BS3X5NHEAMSK24QT
:SKIFF-EXT-BS3X5NHEAMSK24QT
-A SKIFF-EXT-BS3X5NHEAMSK24QT -m comment --comment "pod traffic for ns5/local:http external destinations" -s 10.244.0.0/16 -j SKIFF-SVC-BS3X5NHEAMSK24QT
-A SKIFF-EXT-BS3X5NHEAMSK24QT -m comment --comment "masquerade LOCAL traffic for ns5/local:http external destinations" -m addrtype --src-type LOCAL -j SKIFF-MARK-MASQ
-A SKIFF-EXT-BS3X5NHEAMSK24QT -m comment --comment "route LOCAL traffic for ns5/local:http external destinations" -m addrtype --src-type LOCAL -j SKIFF-SVC-BS3X5NHEAMSK24QT
-A SKIFF-EXT-BS3X5NHEAMSK24QT -j SKIFF-XLB-BS3X5NHEAMSK24QT
:SKIFF-SVC-BS3X5NHEAMSK24QT
-A SKIFF-SVC-BS3X5NHEAMSK24QT -m comment --comment "ns5/local:http cluster IP" -m tcp -p tcp -d 10.96.0.52 --dport 80 ! -s 10.244.0.0/16 -j SKIFF-MARK-MASQ
-A SKIFF-SVC-BS3X5NHEAMSK24QT -m comment --comment "ns5/local:http -> 10.244.1.4:8080" -m statistic --mode random --probability 0.5000000000 -j SKIFF-SEP-GOHAD4JC75YIPO3P
-A SKIFF-SVC-BS3X5NHEAMSK24QT -m comment --comment "ns5/local:http -> 10.244.2.3:8080" -j SKIFF-SEP-Y5DHLZYER2ZTLZHO
:SKIFF-XLB-BS3X5NHEAMSK24QT
-A SKIFF-XLB-BS3X5NHEAMSK24QT -m comment --comment "ns5/local:http -> 10.244.1.4:8080" -j SKIFF-SEP-GOHAD4JC75YIPO3P
:SKIFF-SEP-GOHAD4JC75YIPO3P
-A SKIFF-SEP-GOHAD4JC75YIPO3P -m comment --comment ns5/local:http -s 10.244.1.4 -j SKIFF-MARK-MASQ
-A SKIFF-SEP-GOHAD4JC75YIPO3P -m comment --comment ns5/local:http -m tcp -p tcp -j DNAT --to-destination 10.244.1.4:8080
:SKIFF-SEP-Y5DHLZYER2ZTLZHO
-A SKIFF-SEP-Y5DHLZYER2ZTLZHO -m comment --comment ns5/local:http -s 10.244.2.3 -j SKIFF-MARK-MASQ
-A SKIFF-SEP-Y5DHLZYER2ZTLZHO -m comment --comment ns5/local:http -m tcp -p tcp -j DNAT --to-destination 10.244.2.3:8080
# filter
`,
  },
  { name: 'without a cluster CIDR, endpoints on other nodes keep their SEP chain (nothing is marked in SVC)', svc: service('ns5', 'nocidr', { clusterIP: '10.96.0.53', ports: [{ name: 'http', port: 80, protocol: 'UDP' }] }), addrs: [ip(3, 'node2')], cfg: {}, want: `# nat
-A SKIFF-SERVICES -m comment --comment "ns5/nocidr:http cluster IP" -m udp -p udp -d 10.96.0.53 --dport 80 -j SKIFF-SVC-3OT7UUPUTTLIF7DO
:SKIFF-SVC-3OT7UUPUTTLIF7DO
-A SKIFF-SVC-3OT7UUPUTTLIF7DO -m comment --comment "ns5/nocidr:http -> 10.244.2.3:8080" -j SKIFF-SEP-NXRNMK5ADY36KZUR
:SKIFF-SEP-NXRNMK5ADY36KZUR
-A SKIFF-SEP-NXRNMK5ADY36KZUR -m comment --comment ns5/nocidr:http -s 10.244.2.3 -j SKIFF-MARK-MASQ
-A SKIFF-SEP-NXRNMK5ADY36KZUR -m comment --comment ns5/nocidr:http -m udp -p udp -j DNAT --to-destination 10.244.2.3:8080
# filter
`,
  },
  { name: 'large cluster mode, endpoints on other nodes: one uncommented DNAT rule each', svc: service('ns5', 'large', { clusterIP: '10.96.0.54', ports: [{ name: 'http', port: 80 }] }), addrs: [ip(3, 'node2'), ip(4, 'node2')], cfg: { clusterCIDR: '10.244.0.0/16', largeClusterMode: true }, want: `# nat
-A SKIFF-SERVICES -m comment --comment "ns5/large:http cluster IP" -m tcp -p tcp -d 10.96.0.54 --dport 80 -j SKIFF-SVC-R4LBFD5ZWZ5YM4FF
:SKIFF-SVC-R4LBFD5ZWZ5YM4FF
-A SKIFF-SVC-R4LBFD5ZWZ5YM4FF -m comment --comment "ns5/large:http cluster IP" -m tcp -p tcp -d 10.96.0.54 --dport 80 ! -s 10.244.0.0/16 -j SKIFF-MARK-MASQ
-A SKIFF-SVC-R4LBFD5ZWZ5YM4FF -m statistic --mode random --probability 0.5000000000 -p tcp -j DNAT --to-destination 10.244.2.3:8080
-A SKIFF-SVC-R4LBFD5ZWZ5YM4FF -p tcp -j DNAT --to-destination 10.244.2.4:8080
# filter
`,
  },
  { name: 'masqueradeAll, NodePort: an endpoint on another node is DNATed from SVC', svc: service('ns5', 'all', { type: 'NodePort', clusterIP: '10.96.0.55', ports: [{ name: 'http', port: 80, nodePort: 30086 }] }), addrs: [ip(3, 'node2')], cfg: { masqueradeAll: true }, want: `# nat
-A SKIFF-SERVICES -m comment --comment "ns5/all:http cluster IP" -m tcp -p tcp -d 10.96.0.55 --dport 80 -j SKIFF-SVC-LFEDNJJEBFY4WVHM
-A SKIFF-NODEPORTS -m comment --comment ns5/all:http -m tcp -p tcp --dport 30086 -j SKIFF-EXT-LFEDNJJEBFY4WVHM
:SKIFF-EXT-LFEDNJJEBFY4WVHM
-A SKIFF-EXT-LFEDNJJEBFY4WVHM -m comment --comment "masquerade traffic for ns5/all:http external destinations" -j SKIFF-MARK-MASQ
-A SKIFF-EXT-LFEDNJJEBFY4WVHM -j SKIFF-SVC-LFEDNJJEBFY4WVHM
:SKIFF-SVC-LFEDNJJEBFY4WVHM
-A SKIFF-SVC-LFEDNJJEBFY4WVHM -m comment --comment "ns5/all:http cluster IP" -m tcp -p tcp -d 10.96.0.55 --dport 80 -j SKIFF-MARK-MASQ
-A SKIFF-SVC-LFEDNJJEBFY4WVHM -m comment --comment "ns5/all:http -> 10.244.2.3:8080" -p tcp -j DNAT --to-destination 10.244.2.3:8080
# filter
`,
  },
];

void describe('service port rules (golden text)', () => {
  void it('chain names are kube-proxy hashes (base32 SHA-256 of name and protocol, 16 chars)', () => {
    // the same hash as kube-proxy's KUBE-SVC-XPGD46QRK7WJZT7O for ns1/svc1:p80 tcp
    assert.equal(serviceChain('ns1/svc1:p80', 'tcp'), 'SKIFF-SVC-XPGD46QRK7WJZT7O');
  });
  for (const c of cases) void it(c.name, () => assert.equal(renderService(c.svc, c.addrs, 8080, c.cfg), c.want));
});

