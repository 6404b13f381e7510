// What a describer gets: the object's client (for related objects), the clock and the writer.
import type { KObject } from '@skiff/api';
import type { Client } from '@skiff/machinery';
import type { DescribeWriter } from './writer.js';

export interface DescribeContext {
  client: Client;
  now: number;
  w: DescribeWriter;
}

/** Writes the kind-specific part of the description (the metadata header is written before). */
export type Describer = (obj: KObject, ctx: DescribeContext) => Promise<void> | void;
