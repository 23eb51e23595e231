#!/bin/bash
# Install noVNC, whose page (vnc_lite.html) and scripts the noVNC console
# proxy serves from [DEFAULT] web (default /usr/share/novnc): Debian's
# package novnc. The functional tests (tests/functional/test_novnc.py),
# the browser test (tests/integration/dashboard/test_novnc.py) and
# Tempest's test_novnc load that page.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
if [ ! -f /usr/share/novnc/vnc_lite.html ]; then
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends novnc >/dev/null
fi
ls /usr/share/novnc/vnc_lite.html /usr/share/novnc/core/rfb.js
