#!/usr/bin/env bash
# `npm test`: installs what is missing, builds, lints, and runs unit, integration and e2e tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run --silent lint
node scripts/run-tests.mjs all
