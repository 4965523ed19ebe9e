#!/usr/bin/env bash
# The web app: install, build (web/dist, served by the orchestrator) and Vitest unit tests.
# The browser end-to-end test needs the whole stack and runs under pytest
# (tests/web/test_browser.py), after this script has built the app.
set -euo pipefail
cd "$(dirname "$0")/../web"
npm ci --no-audit --no-fund --loglevel=error
npm run build --silent
npx vitest run
