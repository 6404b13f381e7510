// A skiff.v1.ListResponse from items already encoded as skiff.v1.Object bytes (the watch cache keeps
// each object's bytes, cached-object.ts): the list is written around them, nothing is encoded again.
import protobuf from 'protobufjs';
import type { ListPage } from '../registry/list.js';

/** ListResponse { resourceVersion = 1; continue = 2; optional remainingItemCount = 3; repeated Object items = 4 }. */
export function encodeListResponse(page: ListPage<Buffer>): Buffer {
  const w = protobuf.Writer.create();
  if (page.resourceVersion) w.uint32((1 << 3) | 2).string(page.resourceVersion);
  if (page.continue) w.uint32((2 << 3) | 2).string(page.continue);
  if (page.remainingItemCount !== undefined) w.uint32(3 << 3).int64(page.remainingItemCount);
  for (const item of page.items) w.uint32((4 << 3) | 2).bytes(item);
  const b = w.finish();
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}
