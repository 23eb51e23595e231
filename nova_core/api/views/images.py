"""Images as the Compute API's image proxy shows them, and as Glance v2 does.
"""
from nova_core.api import links

#: Glance v2 statuses -> the Compute proxy's.
_PROXY_STATUS = {'active': 'ACTIVE', 'queued': 'SAVING', 'saving': 'SAVING',
                 'importing': 'SAVING', 'uploading': 'SAVING',
                 'deleted': 'DELETED', 'pending_delete': 'DELETED',
                 'killed': 'ERROR', 'deactivated': 'ERROR'}

_GLANCE_FIELDS = ('id', 'name', 'status', 'visibility', 'protected',
                  'checksum', 'os_hash_algo', 'os_hash_value', 'owner',
                  'size', 'virtual_size', 'min_ram', 'min_disk',
                  'disk_format', 'container_format', 'tags')


def proxy_basic(image):
    return {'id': image['id'], 'name': image['name'],
            'links': links.resource('images', image['id']) + [{
                'rel': 'alternate', 'type': 'application/vnd.openstack.image',
                'href': '%s/image/v2/images/%s' % (links.base_url(),
                                                   image['id'])}]}


def proxy_detail(image):
    view = proxy_basic(image)
    view.update({
        'status': _PROXY_STATUS.get(image['status'], 'UNKNOWN'),
        'progress': 100 if image['status'] == 'active' else 0,
        'minDisk': image['min_disk'], 'minRam': image['min_ram'],
        'created': links.isotime(image['created_at']),
        'updated': links.isotime(image['updated_at'] or
                                 image['created_at']),
        'metadata': {k: str(v) for k, v in (image['properties'] or
                                            {}).items()},
        'OS-EXT-IMG-SIZE:size': image['size'] or 0,
    })
    return view


def glance(image, prefix='/v2'):
    view = {k: image[k] for k in _GLANCE_FIELDS}
    view['tags'] = list(view['tags'] or [])
    view.update({
        'created_at': links.isotime(image['created_at']),
        'updated_at': links.isotime(image['updated_at'] or
                                    image['created_at']),
        'os_hidden': False,
        'self': '%s/images/%s' % (prefix, image['id']),
        'file': '%s/images/%s/file' % (prefix, image['id']),
        'schema': '%s/schemas/image' % prefix,
    })
    for key, value in (image['properties'] or {}).items():
        view.setdefault(key, value)
    return view
