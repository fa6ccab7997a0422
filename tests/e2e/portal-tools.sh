#!/usr/bin/env bash
# Installs what the portal's browser tests need from npm (tests/e2e/portal: axe-core, the MCP TypeScript SDK client and
# Node 22), pinned by its package-lock.json; does nothing when they are already there. Run by the prereqs stage of
# tests/run-all.sh; the tests find them at tests/e2e/portal/node_modules (TestSupport/PortalTools.cs).
set -euo pipefail
E2E_NAME=portal-tools
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_npm_ci "$(cd "$(dirname "${BASH_SOURCE[0]}")/portal" && pwd)"
[[ -f "$(dirname "${BASH_SOURCE[0]}")/portal/node_modules/axe-core/axe.min.js" ]] || e2e_die "axe-core was not installed in tests/e2e/portal"
