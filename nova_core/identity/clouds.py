"""clouds.yaml: how openstacksdk and the ``openstack`` CLI find a cloud.

Each cloud names Keystone's URL and an account; the clients take the
compute and image endpoints from the catalog. The file is written as
YAML's JSON-compatible form, so no YAML library is needed, and with mode
0600 since it holds passwords.
"""
import json
import os


def cloud(auth_url, username, password, project_name, region='RegionOne'):
    """One entry of ``clouds``: password auth against ``auth_url``."""
    return {
        'auth': {'auth_url': auth_url, 'username': username,
                 'password': password, 'project_name': project_name,
                 'user_domain_name': 'Default',
                 'project_domain_name': 'Default'},
        'region_name': region,
        'identity_api_version': 3,
        'interface': 'public',
        # nova-core has no floating IPs. Without this, openstacksdk's
        # cloud layer, seeing no network service in the catalog, treats
        # the cloud as nova-network's and create_server(auto_ip=True) (the
        # default of Ansible's openstack.cloud.server) fails on the
        # missing os-floating-ip-pools.
        'floating_ip_source': 'None',
    }


def write(path, clouds):
    """Write ``{'clouds': clouds}`` to ``path`` (0600, atomically)."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + '.tmp'
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, 'w') as f:
        f.write('# Written by nova-core. Use it with\n'
                '#   export OS_CLIENT_CONFIG_FILE=%s\n'
                '#   export OS_CLOUD=<one of the clouds below>\n' % path)
        json.dump({'clouds': clouds}, f, indent=2, sort_keys=True)
        f.write('\n')
    os.replace(tmp, path)
    return path
