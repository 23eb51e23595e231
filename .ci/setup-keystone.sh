#!/usr/bin/env bash
# Keystone 30 and gunicorn in a virtual environment of their own, for the
# Keystone tests and `nova-core-all --keystone` (nova_core.identity.venv
# would make the same one on first use). Idempotent: an existing, usable
# environment is kept.
set -euo pipefail
venv="${NOVA_CORE_KEYSTONE_VENV:-$HOME/.cache/nova-core/keystone-venv}"
if [ -x "$venv/bin/keystone-manage" ] && [ -x "$venv/bin/gunicorn" ]; then
    echo "keystone environment: $venv (kept)"
    exit 0
fi
mkdir -p "$(dirname "$venv")"
python3 -m venv --clear "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    'keystone>=30,<31' 'gunicorn>=21'
echo "keystone environment: $venv"
