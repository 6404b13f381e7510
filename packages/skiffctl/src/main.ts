#!/usr/bin/env node
// skiffctl: the command-line client of Skiff.
import { hideBin } from 'yargs/helpers';
import { runCli } from './cli.js';
import { processIo } from './io.js';

process.exitCode = await runCli(hideBin(process.argv), processIo());
