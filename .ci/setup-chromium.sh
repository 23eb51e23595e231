#!/bin/bash
# Install the browser the dashboard's tests (tests/integration/dashboard/)
# drive: Debian's chromium, at /usr/bin/chromium. Playwright (a pip
# package of the integration tox env) drives it; nothing runs
# `playwright install`, which would download a browser of its own.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
if ! command -v chromium >/dev/null; then
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends chromium
fi
chromium --version
