// Pod addresses for the fake runtime's sandboxes, from the pod CIDR as Docker's IPAM hands them out:
// the first address is the bridge's gateway, then .2, .3... lowest free first.
import { RuntimeError } from '../../errors.js';
import { cidrSize, nthAddress, parseCidr, type Cidr } from '../../network/cidr.js';

export class FakeIpPool {
  private readonly cidr: Cidr;
  private readonly used = new Set<string>();

  constructor(podCIDR: string) {
    this.cidr = parseCidr(podCIDR, 'podCIDR');
  }

  allocate(): string {
    for (let n = 2; n < cidrSize(this.cidr) - 1; n++) {
      const ip = nthAddress(this.cidr, n);
      if (!this.used.has(ip)) {
        this.used.add(ip);
        return ip;
      }
    }
    throw new RuntimeError('Unavailable', `no free address left in ${nthAddress(this.cidr, 0)}/${this.cidr.prefix}`);
  }

  release(ip: string): void {
    this.used.delete(ip);
  }
}
