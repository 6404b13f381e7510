// The cache's NodeInfos in a doubly-linked list, most recently changed first (Kubernetes'
// nodeInfoListItem): a snapshot update walks from the head and stops at the first NodeInfo whose
// generation it already has, so a cycle copies only what changed.
import { NodeInfo } from '../framework/node-info.js';

export interface NodeItem {
  info: NodeInfo;
  prev: NodeItem | undefined;
  next: NodeItem | undefined;
}

export class NodeList {
  head: NodeItem | undefined;
  readonly items = new Map<string, NodeItem>();

  get(name: string): NodeItem | undefined {
    return this.items.get(name);
  }

  /** The item for `name`, created (empty, without a Node) when missing. */
  getOrCreate(name: string): NodeItem {
    let item = this.items.get(name);
    if (!item) {
      item = { info: new NodeInfo(), prev: undefined, next: undefined };
      this.items.set(name, item);
      this.pushFront(item);
    }
    return item;
  }

  /** Call after changing `item.info`: its generation is now the newest. */
  moveToHead(item: NodeItem): void {
    if (this.head === item) return;
    this.unlink(item);
    this.pushFront(item);
  }

  remove(name: string): void {
    const item = this.items.get(name);
    if (!item) return;
    this.unlink(item);
    this.items.delete(name);
  }

  private pushFront(item: NodeItem): void {
    item.prev = undefined;
    item.next = this.head;
    if (this.head) this.head.prev = item;
    this.head = item;
  }

  private unlink(item: NodeItem): void {
    if (item.prev) item.prev.next = item.next;
    if (item.next) item.next.prev = item.prev;
    if (this.head === item) this.head = item.next;
    item.prev = item.next = undefined;
  }
}
