# Reads the trace of controller-create-trace.patch (session 15; see packages/controller-manager/README.md).
# Apply the patch, `npm run build`, then run the bench with SKIFF_DIAG_DIR set to an empty directory:
#   SKIFF_DIAG_DIR=/tmp/trace flock -w 1200 /tmp/skiff-bench.lock npm run bench -- controller
#   python3 bench/traces/controller-create-trace.py /tmp/trace
# Per create of the measured scale-up: the controller's send and reply times against the apiserver
# handler's start and end (one machine clock), the informer's add; per sync its slow-start batches;
# event-loop utilization and stalls, V8 GC pauses and the apiserver's requests by user agent.
import sys, glob, statistics as st
d = sys.argv[1]
cr = {}; sc = {}; add = {}; ev = []; elu = []; elus = {}
for f in glob.glob(d + '/*.log'):
    elu = elus.setdefault(f, [])
    for line in open(f):
        p = line.split()
        if not p: continue
        k = p[0]
        if k == 'cr': cr[p[1]] = (float(p[2]), float(p[3]))
        elif k == 'sc': sc[p[1]] = (float(p[2]), float(p[3]))
        elif k == 'add': add.setdefault(p[1], float(p[2]))
        elif k == 'elu': elu.append((float(p[1]), float(p[2]), float(p[3])))
        elif k in ('who', 'gc', 'rq'): pass
        else: ev.append((float(p[2]), k, p[1], p[3:] ))
ev.sort()
def q(xs):
    xs = sorted(xs)
    if not xs: return 'n/a'
    return f"n={len(xs)} p50={xs[len(xs)//2]:.1f} p90={xs[int(len(xs)*0.9)]:.1f} max={xs[-1]:.1f} mean={st.mean(xs):.1f}"
# measured scale-up: the last 'manage' sequence with 500s; take creates after the last manage with count... use all bench creates, group by manage
manages = [e for e in ev if e[1] == 'manage']
print('manages', len(manages), [m[3][0] for m in manages])
# take the measured scale-up: the manages after the warm-up; the last run of manages summing to >= 3000
ms = manages[1:7]
t_stop = manages[7][0] if len(manages) > 7 else 1e18
t_begin = ms[0][0]
names = [n for n,(a,b) in cr.items() if t_begin - 1 <= a < t_stop]
print('creates in scale-up', len(names))
req = []; srv = []; rep = []; tot_lat = []; wl = []
for n in names:
    c0, c1 = cr[n]
    tot_lat.append(c1 - c0)
    if n in sc:
        s0, s1 = sc[n]
        req.append(s0 - c0); srv.append(s1 - s0); rep.append(c1 - s1)
        if n in add: wl.append(add[n] - s1)
print('client latency (sent->reply)', q(tot_lat))
print('  request transit (sent->server handler start)', q(req))
print('  server handler', q(srv))
print('  reply transit (server done->client callback)', q(rep))
print('  watch lag (server done->informer add in RS handler)', q(wl))
# per sync: batches
for i, m in enumerate(ms):
    t0 = m[0]; t1 = ms[i+1][0] if i+1 < len(ms) else 1e18
    cs = sorted((cr[n][0], cr[n][1], n) for n in names if t0 <= cr[n][0] < t1)
    # batches: group by send time within sync in order sizes 1,2,4...
    b = 1; j = 0; rows = []
    while j < len(cs):
        grp = cs[j:j+b]
        sent = grp[0][0]; last = max(g[1] for g in grp)
        srvs = [sc[g[2]][1]-sc[g[2]][0] for g in grp if g[2] in sc]
        reqs = [sc[g[2]][0]-g[0] for g in grp if g[2] in sc]
        reps = [g[1]-sc[g[2]][1] for g in grp if g[2] in sc]
        rows.append(f"{len(grp)}:{last-sent:.0f}ms(rq{max(reqs):.0f}/sv{max(srvs):.0f}/rp{max(reps):.0f})" if srvs else f"{len(grp)}:{last-sent:.0f}")
        j += b; b = min(2*b, len(cs)-j) if j < len(cs) else b
    last_reply = max(c[1] for c in cs) if cs else 0
    last_add = max(add.get(c[2], 0) for c in cs) if cs else 0
    nxt = ms[i+1][0] if i+1 < len(ms) else None
    # syncs between
    syncs = [e for e in ev if e[1]=='sync' and last_reply <= e[0] < (nxt or 1e18)]
    sts = [e for e in ev if e[1] in ('st0','st1') and t0 <= e[0] < (nxt or 1e18)]
    print(f"sync {i}: first send {cs[0][0]-t0:.0f}ms after manage; batches " + ' '.join(rows))
    print(f"   creates {last_reply - cs[0][0]:.0f}ms; last reply -> last add {last_add-last_reply:.0f}ms; last add -> next manage {((nxt or last_add)-last_add):.0f}ms; syncs between {len(syncs)}; status writes " + ' '.join(f"{sts[k+1][0]-sts[k][0]:.0f}" for k in range(0,len(sts)-1,2) if sts[k][1]=='st0'))
t_end = max(cr[n][1] for n in names)
for f, elu in elus.items():
  w = [e for e in elu if t_begin <= e[0] <= t_end]
  if w:
    print(f)
    print(f"ELU during creates: mean {st.mean(x[1] for x in w):.2f}, windows>0.9: {sum(1 for x in w if x[1]>0.9)}/{len(w)}, loop delay max per 100ms window: {q([x[2] for x in w])}")
raw = [b-a for n,(a,b) in sc.items() if n.startswith('raw-')]
print('raw peer server handler', q(raw))
# gc per file during creates
for f in glob.glob(d + '/*.log'):
    g = []; who = ''
    for line in open(f):
        p = line.split()
        if p and p[0] == 'gc' and t_begin <= float(p[1]) <= t_end: g.append((float(p[2]), p[3]))
        if p and p[0] == 'who': who = p[2]
    span = t_end - t_begin
    if g:
        kinds = {}
        for dur, k in g: kinds.setdefault(k, []).append(dur)
        print(f, who, f"GC during creates ({span:.0f} ms): total {sum(x for x,_ in g):.0f} ms;", '; '.join(f"kind {k}: {len(v)} x, sum {sum(v):.0f}, max {max(v):.1f}" for k, v in kinds.items()))
# requests by method and agent during creates
from collections import Counter
c = Counter()
for f in glob.glob(d + '/*.log'):
    for line in open(f):
        p = line.split()
        if p and p[0] == 'rq' and len(p) >= 4 and t_begin <= float(p[3]) <= t_end: c[(p[1], p[2])] += 1
print('apiserver unary requests during creates:', ', '.join(f"{m} {a}: {n}" for (m, a), n in c.most_common()))
# critical path: per batch, the create answered last
crit = {'rq': 0, 'sv': 0, 'rp': 0, 'batch': 0}
prev_end = None; between = 0
for i, m in enumerate(ms):
    t0 = m[0]; t1 = ms[i+1][0] if i+1 < len(ms) else 1e18
    cs = sorted((cr[n][0], cr[n][1], n) for n in names if t0 <= cr[n][0] < t1)
    b = 1; j = 0
    while j < len(cs):
        grp = cs[j:j+b]
        g = max(grp, key=lambda x: x[1])
        if prev_end is not None: between += grp[0][0] - prev_end
        prev_end = g[1]
        if g[2] in sc:
            s0, s1 = sc[g[2]]
            crit['rq'] += s0 - g[0]; crit['sv'] += s1 - s0; crit['rp'] += g[1] - s1
        crit['batch'] += g[1] - grp[0][0]
        j += b; b = min(2*b, len(cs)-j) if j < len(cs) else b
tot = crit['batch'] + between
print(f"critical path of the creates ({tot:.0f} ms, first send to last reply): in batches {crit['batch']:.0f} ms = request to apiserver handler {crit['rq']:.0f} + handler {crit['sv']:.0f} + reply to controller callback {crit['rp']:.0f}; between batches/syncs {between:.0f}")
