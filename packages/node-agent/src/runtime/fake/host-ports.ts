// The node's host ports as the fake runtime's pretend engine holds them: a sandbox with hostPort
// mappings binds them when it starts and frees them when it stops, and a test can hold a port "from
// outside" (another process of the node). A bind that collides fails with Docker 20.10's own
// messages: "Bind for 0.0.0.0:8080 failed: port is already allocated" against another container,
// "Error starting userland proxy: listen tcp4 0.0.0.0:8080: bind: address already in use" against
// another process.
import type { PortMapping } from '../runtime.js';

interface Binding {
  port: number;
  protocol: PortMapping['protocol'];
  /** "" or 0.0.0.0: every address */
  ip: string;
  /** the container holding it, or undefined for a process outside the engine */
  owner?: string;
}

function overlaps(a: Binding, b: Binding): boolean {
  const any = (ip: string) => ip === '' || ip === '0.0.0.0';
  return a.port === b.port && a.protocol === b.protocol && (any(a.ip) || any(b.ip) || a.ip === b.ip);
}

export class FakeHostPorts {
  private readonly bound: Binding[] = [];

  /** a process outside the engine holds the port; returns the release */
  holdFromOutside(port: number, protocol: PortMapping['protocol'] = 'tcp', ip = ''): () => void {
    const b: Binding = { port, protocol, ip };
    this.bound.push(b);
    return () => {
      const i = this.bound.indexOf(b);
      if (i >= 0) this.bound.splice(i, 1);
    };
  }

  /** binds every host port of a container, or none: throws Docker's message for the first collision */
  bind(owner: string, ports: readonly PortMapping[]): void {
    const wanted = ports.filter((p) => p.hostPort).map((p): Binding => ({ port: p.hostPort as number, protocol: p.protocol, ip: p.hostIP ?? '', owner }));
    for (const w of wanted) {
      const taken = this.bound.find((b) => overlaps(b, w));
      if (!taken) continue;
      const addr = `${w.ip || '0.0.0.0'}:${w.port}`;
      throw new Error(taken.owner === undefined ? `Error starting userland proxy: listen ${w.protocol}4 ${addr}: bind: address already in use` : `Bind for ${addr} failed: port is already allocated`);
    }
    this.bound.push(...wanted);
  }

  release(owner: string): void {
    for (let i = this.bound.length - 1; i >= 0; i--) if (this.bound[i]!.owner === owner) this.bound.splice(i, 1);
  }
}
