// Docker's byte streams, incrementally: the multiplexed stdout/stderr framing of logs and exec
// (an 8-byte header: stream type, three zero bytes, big-endian payload size) and the
// newline-delimited JSON of the events endpoint.
import type { LogChunk } from '../runtime.js';

export class FrameDemuxer {
  private pending: Buffer = Buffer.alloc(0);

  /** The complete frames in what arrived so far; a partial frame waits for the next push. */
  push(data: Buffer): LogChunk[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, data]) : data;
    const out: LogChunk[] = [];
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      const type = this.pending[0];
      const payload = this.pending.subarray(8, 8 + size);
      this.pending = this.pending.subarray(8 + size);
      if (type === 1 || type === 2) out.push({ stream: type === 2 ? 'stderr' : 'stdout', data: Buffer.from(payload) });
    }
    return out;
  }

  /** bytes of an unfinished frame left at the end */
  get leftover(): number {
    return this.pending.length;
  }
}

export class LineSplitter {
  private pending = '';

  push(data: Buffer | string): string[] {
    this.pending += data.toString();
    const parts = this.pending.split('\n');
    this.pending = parts.pop() ?? '';
    return parts.map((l) => l.replace(/\r$/, '')).filter((l) => l.length > 0);
  }
}
