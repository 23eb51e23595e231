#!/bin/bash
# Install what the Ansible deployment test (tests/integration/
# test_ansible_deploy.py) needs on a fresh Debian 12 machine: Ansible and
# ansible-lint, supervisor (the process manager used where there is no
# systemd), the MariaDB/PostgreSQL clients the roles call, and the build
# dependencies of libvirt-python (the driver-switch test installs it into
# one compute node's venv). RabbitMQ and MariaDB themselves are expected to
# run already, as on the project's service machines.
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
ansible-playbook --version | sed -n 1p
ansible-lint --version | sed -n 1p
