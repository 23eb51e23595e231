"""Key pairs as the API shows them: ``type`` from 2.2 on, and more fields
when shown alone or just created, as Nova's views."""
from nova_core.api import links


def _base(keypair, version):
    view = {'name': keypair['name'], 'public_key': keypair['public_key'],
            'fingerprint': keypair['fingerprint']}
    if version.matches('2.2'):
        view['type'] = keypair['type']
    return view


def listed(keypair, version):
    return {'keypair': _base(keypair, version)}


def created(keypair, version, private_key=None):
    view = _base(keypair, version)
    view['user_id'] = keypair['user_id']
    if private_key is not None:
        view['private_key'] = private_key
    return view


def show(keypair, version):
    view = _base(keypair, version)
    view.update({
        'user_id': keypair['user_id'],
        'created_at': links.usage_time(keypair['created_at']),
        'updated_at': links.usage_time(keypair['updated_at']),
        'deleted_at': links.usage_time(keypair['deleted_at']),
        'deleted': bool(keypair['deleted']),
        'id': keypair['id'],
    })
    return view
