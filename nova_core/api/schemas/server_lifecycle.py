"""Request bodies of ``createBackup``, ``shelve``/``shelveOffload``/
``unshelve``, ``rescue``/``unrescue``, ``changePassword`` and
``trigger_crash_dump``, after Nova's schemas and their microversion
ranges."""
import functools

from nova_core.api.schemas import types

_ADMIN_PASS = {'type': 'string', 'maxLength': 255}


def _action(name, value):
    return {'type': 'object', 'properties': {name: value},
            'required': [name], 'additionalProperties': False}


CREATE_BACKUP = _action('createBackup', {
    'type': 'object',
    'properties': {'name': types.name,
                   'backup_type': {'type': 'string', 'maxLength': 255},
                   'rotation': types.non_negative_integer,
                   'metadata': types.metadata},
    'required': ['name', 'backup_type', 'rotation'],
    'additionalProperties': False})

RESCUE = _action('rescue', {
    'type': ['object', 'null'],
    'properties': {'adminPass': _ADMIN_PASS,
                   'rescue_image_ref': types.image_ref},
    'additionalProperties': False})

CHANGE_PASSWORD = _action('changePassword', {
    'type': 'object', 'properties': {'adminPass': _ADMIN_PASS},
    'required': ['adminPass'], 'additionalProperties': False})

TRIGGER_CRASH_DUMP = _action('trigger_crash_dump', {'type': 'null'})


def no_argument(name):
    """Actions whose value Nova ignores when null (unrescue,
    shelve, shelveOffload): null or an empty object."""
    return _action(name, {'oneOf': [
        {'type': 'null'}, {'type': 'object', 'additionalProperties': False}]})


_UNSHELVE_V277 = {
    'type': ['object', 'null'],
    'properties': {'availability_zone': types.name},
    'required': ['availability_zone'], 'additionalProperties': False}
_UNSHELVE_V291 = {'oneOf': [
    {'type': 'object',
     'properties': {'availability_zone': {'type': ['string', 'null'],
                                          'maxLength': 255},
                    'host': {'type': 'string', 'maxLength': 255}},
     'additionalProperties': False},
    {'type': 'null'}]}


@functools.lru_cache(maxsize=None)
def unshelve(version):
    """Before 2.77 Nova does not look at the body's value; 2.77 takes an
    availability zone; 2.91 a host, and a null zone that unpins."""
    if version.matches('2.91'):
        return _action('unshelve', _UNSHELVE_V291)
    if version.matches('2.77'):
        return _action('unshelve', _UNSHELVE_V277)
    return _action('unshelve', {})
