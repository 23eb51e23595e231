"""The embedded Keystone's secrets and clouds.yaml: generated once, 0600."""
import os
import stat

import yaml

from nova_core.identity import clouds, embedded


def test_passwords_generated_once_and_private(tmp_path):
    first = embedded.load_passwords(str(tmp_path))
    assert set(first) == {'admin', 'demo', 'nova'}
    assert len(set(first.values())) == 3
    path = tmp_path / embedded.ACCOUNTS_FILE
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert embedded.load_passwords(str(tmp_path)) == first


def test_clouds_yaml_is_yaml_and_private(tmp_path):
    path = str(tmp_path / 'clouds.yaml')
    clouds.write(path, {'nova-core': clouds.cloud(
        'http://127.0.0.1:5000/v3', 'demo', 'secret', 'demo')})
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with open(path) as f:
        doc = yaml.safe_load(f)
    auth = doc['clouds']['nova-core']['auth']
    assert (auth['auth_url'], auth['username'], auth['project_name']) == (
        'http://127.0.0.1:5000/v3', 'demo', 'demo')
    # openstacksdk's word for "no floating IPs here" (the string).
    assert doc['clouds']['nova-core']['floating_ip_source'] == 'None'
