"""Schemas of the actions that change a server's image or flavor:
``rebuild``, ``resize``, ``confirmResize``, ``revertResize`` and
``createImage``, after Nova's ``schemas/servers.py`` and their
microversion ranges."""
import functools

from nova_core.api.schemas import types

_DISK_CONFIG = {'type': 'string', 'enum': ['AUTO', 'MANUAL']}
_PERSONALITY = {'type': 'array', 'items': {
    'type': 'object', 'properties': {
        'path': {'type': 'string'},
        'contents': {'type': 'string', 'format': 'base64'}},
    'additionalProperties': False}}


def _action(name, props, required):
    return {
        'type': 'object',
        'properties': {name: {
            'type': 'object', 'properties': props, 'required': required,
            'additionalProperties': False}},
        'required': [name], 'additionalProperties': False,
    }


@functools.lru_cache(maxsize=None)
def rebuild(version):
    props = {
        'name': types.name,
        'imageRef': types.image_ref,
        'adminPass': {'type': 'string', 'maxLength': 255},
        'metadata': types.metadata,
        'preserve_ephemeral': types.boolean,
        'OS-DCF:diskConfig': _DISK_CONFIG,
        'accessIPv4': types.ipv4,
        'accessIPv6': types.ipv6,
        'personality': _PERSONALITY,
    }
    if version.matches('2.19'):
        props['description'] = types.description
    if version.matches('2.54'):
        props['key_name'] = {'oneOf': [
            {'type': 'string', 'minLength': 1, 'maxLength': 255},
            {'type': 'null'}]}
    if version.matches('2.57'):
        del props['personality']
        props['user_data'] = {'oneOf': [
            {'type': 'string', 'format': 'base64', 'maxLength': 65535},
            {'type': 'null'}]}
    if version.matches('2.63'):
        props['trusted_image_certificates'] = {
            'type': ['array', 'null'], 'minItems': 1, 'maxItems': 50,
            'uniqueItems': True,
            'items': {'type': 'string', 'minLength': 1}}
    if version.matches('2.90'):
        props['hostname'] = types.hostname
    return _action('rebuild', props, ['imageRef'])


RESIZE = _action('resize', {'flavorRef': types.flavor_ref,
                            'OS-DCF:diskConfig': _DISK_CONFIG},
                 ['flavorRef'])

CREATE_IMAGE = _action('createImage', {'name': types.name,
                                       'metadata': types.metadata},
                       ['name'])
