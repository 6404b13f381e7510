#!/usr/bin/env node
// skiffctl: the command-line client of Skiff.
import { hideBin } from 'yargs/helpers';
import { letHttp2StreamsDieYoung } from '@skiff/machinery';
import { runCli } from './cli.js';
import { processIo } from './io.js';

// Workaround, measured on Node 20: every finished HTTP/2 request there is promoted to the old
// generation (2.6 KB each; a full GC every few seconds under load). See machinery's http2-release.ts.
if (process.versions.node.startsWith('20.')) letHttp2StreamsDieYoung();

process.exitCode = await runCli(hideBin(process.argv), processIo());
