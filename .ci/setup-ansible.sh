#!/bin/bash
# Install what the Ansible deployment test (tests/integration/
# test_ansible_deploy.py) needs on a fresh Debian 12 machine: Ansible and
# ansible-lint, supervisor (the process manager used where there is no
# systemd), the MariaDB/PostgreSQL clients the roles call, and the build
# dependencies of libvirt-python (the driver-switch test installs it into
# one compute node's venv), and Ansible's openstack.cloud collection (tests/
# integration/test_ansible_openstack_cloud.py). RabbitMQ and MariaDB
# themselves are expected to run already, as on the project's service
# machines.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
APT_PACKAGES=(
    supervisor
    python3-apt
    python3-venv
    mariadb-client
    postgresql-client
    libvirt-dev
    pkg-config
    gcc
    python3-dev
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' \
        || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
    apt-get update -qq
    apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

python3 -m pip install -q --root-user-action=ignore 'ansible-core>=2.19,<2.20' 'ansible-lint==26.10.1'

# openstack.cloud ships inside PyPI's `ansible` package; only that
# collection is taken from its wheel, into Ansible's system collections
# path. 2.6 or later: 2.5 asks openstacksdk for `openstack.version`, which
# openstacksdk 4.15 removed. The `ansible` that bundles it (13.x) installs
# only on Python >= 3.12, hence the wheel is fetched as for 3.12: the
# collection itself is plain Python run by the modules' interpreter.
OPENSTACK_CLOUD_MIN=2.6.0
installed=$(ansible-galaxy collection list openstack.cloud 2>/dev/null \
    | awk '$1 == "openstack.cloud" {print $2}' | sort -V | tail -n 1)
if [ -z "$installed" ] || [ "$(printf '%s\n' "$OPENSTACK_CLOUD_MIN" "$installed" | sort -V | head -n 1)" != "$OPENSTACK_CLOUD_MIN" ]; then
    wheels=$(mktemp -d)
    python3 -m pip download -q --no-deps --only-binary :all: --python-version 3.12 \
        -d "$wheels" 'ansible>=13,<14'
    rm -rf /usr/share/ansible/collections/ansible_collections/openstack/cloud
    python3 - "$wheels"/ansible-*.whl <<'EOF'
import sys
import zipfile

with zipfile.ZipFile(sys.argv[1]) as wheel:
    for name in wheel.namelist():
        if name.startswith('ansible_collections/openstack/cloud/'):
            wheel.extract(name, '/usr/share/ansible/collections')
EOF
    rm -rf "$wheels"
fi
ansible-playbook --version | sed -n 1p
ansible-lint --version | sed -n 1p
ansible-galaxy collection list openstack.cloud 2>/dev/null | grep '^openstack\.cloud '
