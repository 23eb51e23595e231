#!/usr/bin/env bash
# Tempest 47 in a virtual environment of its own (it pins libraries of its
# own), for tests/integration/test_tempest.py and `tox -e tempest`
# (tools/tempest_run.py would make the same one on first use). Idempotent.
set -euo pipefail
venv="${NOVA_CORE_TEMPEST_VENV:-$HOME/.cache/nova-core/tempest-venv}"
if [ -x "$venv/bin/tempest" ]; then
    echo "tempest environment: $venv (kept)"
    exit 0
fi
mkdir -p "$(dirname "$venv")"
python3 -m venv --clear "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    'tempest==47.0.0'
echo "tempest environment: $venv"
