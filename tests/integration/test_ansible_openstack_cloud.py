"""Ansible's ``openstack.cloud.server`` module, unmodified, against
``nova-core-all --keystone`` (a real Keystone; the module finds nova-core
through its catalog, with a clouds.yaml entry as any cloud's user has).

One playbook creates a server with ``wait: true`` on the cloud's network
and saves the module's result; the test checks the server is ACTIVE with
the address the module returned; a second playbook deletes it with
``state: absent``, and a third run of it changes nothing.

The collection comes with the ``ansible`` package (``.ci/setup-ansible.sh``
installs it); the module runs under this Python, which has openstacksdk.
"""
import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.fixtures import keystone
from tests.fixtures.services import require

PLAYBOOK = """\
- name: A server through openstack.cloud.server
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: The server, {{ state }}
      openstack.cloud.server:
        cloud: alice
        name: ansible-vm
        state: "{{ state }}"
        image: fake-image
        flavor: m1.tiny
        nics:
          - net-id: "{{ network_id }}"
        wait: true
        timeout: 120
      register: result
    - name: Save the module's result
      ansible.builtin.copy:
        content: "{{ result | to_json }}"
        dest: "{{ result_file }}"
        mode: "0600"
"""


def _require_collection():
    require(shutil.which('ansible-playbook') is not None,
            'ansible-playbook is not installed (run .ci/setup-ansible.sh)')
    listed = subprocess.run(
        ['ansible-galaxy', 'collection', 'list', 'openstack.cloud',
         '--format', 'json'], capture_output=True, text=True, timeout=120,
        check=False)
    require('openstack.cloud' in listed.stdout,
            'the openstack.cloud collection is not installed (run '
            '.ci/setup-ansible.sh)')


@pytest.fixture(scope='module')
def ks_cloud(tmp_path_factory):
    _require_collection()
    cloud = keystone.start_cloud(str(tmp_path_factory.mktemp('ks-ansible')))
    yield cloud
    keystone.stop_cloud(cloud)


def _api(cloud, method, path, version='2.100', **kwargs):
    import requests
    headers = {'X-Auth-Token': cloud.token('alice'),
               'OpenStack-API-Version': 'compute %s' % version}
    return requests.request(method, cloud.endpoint + path, headers=headers,
                            timeout=30, **kwargs)


def _run(cloud, workdir, state, network_id):
    """Run the playbook with ``state``; returns the module's result."""
    playbook = workdir / 'server.yml'
    playbook.write_text(PLAYBOOK)
    result_file = workdir / ('result-%s.json' % state)
    env = {k: v for k, v in os.environ.items() if not k.startswith('OS_')}
    env.update(OS_CLIENT_CONFIG_FILE=cloud.clouds_yaml,
               ANSIBLE_LOCAL_TEMP=str(workdir / 'ansible-local'),
               ANSIBLE_REMOTE_TMP=str(workdir / 'ansible-remote'),
               ANSIBLE_NOCOLOR='1', ANSIBLE_FORCE_COLOR='0')
    extra = {'state': state, 'network_id': network_id,
             'result_file': str(result_file),
             # The module imports openstacksdk: this Python has it.
             'ansible_python_interpreter': sys.executable}
    proc = subprocess.run(
        ['ansible-playbook', '-i', 'localhost,', '-e', json.dumps(extra),
         str(playbook)], cwd=workdir, env=env, capture_output=True,
        text=True, timeout=300, check=False)
    if proc.returncode != 0:
        pytest.fail('ansible-playbook (%s) failed (rc=%d):\n%s\n%s' % (
            state, proc.returncode, proc.stdout[-6000:],
            proc.stderr[-3000:]), pytrace=False)
    return json.loads(result_file.read_text())


def test_server_module_creates_with_an_address_and_deletes(ks_cloud,
                                                           tmp_path):
    (network,) = [n for n in _api(ks_cloud, 'GET', '/os-networks',
                                  version='2.35').json()['networks']
                  if n['label'] == 'private']

    created = _run(ks_cloud, tmp_path, 'present', network['id'])
    assert created['changed'] is True
    server = created['server']
    assert server['status'] == 'ACTIVE' and server['name'] == 'ansible-vm'
    (address,) = server['addresses']['private']
    assert address['addr'].startswith('10.0.0.')
    assert address['OS-EXT-IPS:type'] == 'fixed'
    assert address['OS-EXT-IPS-MAC:mac_addr']
    # The server the API shows is the one the module reported.
    shown = _api(ks_cloud, 'GET', '/servers/%s' % server['id'])
    assert shown.status_code == 200, shown.text
    assert shown.json()['server']['status'] == 'ACTIVE'
    assert shown.json()['server']['addresses'] == server['addresses']
    assert shown.json()['server']['tenant_id'] == ks_cloud.ids['alpha']

    deleted = _run(ks_cloud, tmp_path, 'absent', network['id'])
    assert deleted['changed'] is True
    # wait: true returned once the server was gone.
    assert _api(ks_cloud, 'GET',
                '/servers/%s' % server['id']).status_code == 404
    again = _run(ks_cloud, tmp_path, 'absent', network['id'])
    assert again['changed'] is False
