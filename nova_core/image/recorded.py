"""A server's image as its system metadata recorded it at boot.

What rebuilding a build or a lost guest needs when the image itself may
be gone or changed: the same dict shape as the API's image meta.
"""

#: System metadata keys (after ``image_``) that are fields, not properties.
_FIELDS = ('disk_format', 'container_format', 'min_ram', 'min_disk',
           'base_image_ref')


def from_instance(instance):
    meta = instance.get('system_metadata') or {}
    return {'id': instance.get('image_ref'), 'name': None,
            'disk_format': meta.get('image_disk_format'),
            'container_format': meta.get('image_container_format'),
            'min_ram': _int(meta.get('image_min_ram')),
            'min_disk': _int(meta.get('image_min_disk')),
            'size': None, 'checksum': None, 'status': 'active',
            'properties': {k[len('image_'):]: v for k, v in meta.items()
                           if k.startswith('image_') and
                           k[len('image_'):] not in _FIELDS}}


def _int(value):
    """System metadata keeps strings; None stays None."""
    return None if value is None else int(value)
