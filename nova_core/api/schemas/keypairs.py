"""Schemas of ``/os-keypairs``, per microversion as Nova's.

Names are Nova's ``name`` (printable, no surrounding blanks) and, checked
in :mod:`nova_core.api.blueprints.keypairs`, only letters, digits, ``_``,
``-`` and space; 2.92 adds ``@`` and ``.`` and makes ``public_key``
mandatory (nothing is generated any more).
"""
import copy
import functools
import string

from nova_core.api.schemas import types

NAME_CHARS = '_- ' + string.digits + string.ascii_letters
NAME_CHARS_2_92 = '@._- ' + string.digits + string.ascii_letters


def name_chars(version):
    return NAME_CHARS_2_92 if version.matches('2.92') else NAME_CHARS


@functools.lru_cache(maxsize=None)
def create(version):
    props = {'name': types.name, 'public_key': {'type': 'string'}}
    if version.matches('2.2'):
        props['type'] = {'type': 'string', 'enum': ['ssh', 'x509']}
    if version.matches('2.10'):
        props['user_id'] = {'type': 'string'}
    required = ['name']
    if version.matches('2.92'):
        required.append('public_key')
    return {
        'type': 'object',
        'properties': {'keypair': {
            'type': 'object', 'properties': props, 'required': required,
            'additionalProperties': False}},
        'required': ['keypair'],
        'additionalProperties': False,
    }


@functools.lru_cache(maxsize=None)
def query(version):
    """Show and delete: ``user_id`` (2.10); other parameters are ignored,
    as Nova ignores them."""
    props = {}
    if version.matches('2.10'):
        props['user_id'] = types.query_any
    return {'type': 'object', 'properties': props,
            'additionalProperties': True}


@functools.lru_cache(maxsize=None)
def index_query(version):
    """The list: as :func:`query`, with ``limit``/``marker`` from 2.35."""
    schema = copy.deepcopy(query(version))
    if version.matches('2.35'):
        schema['properties'].update(limit=types.query_limit,
                                    marker=types.query_any)
    return schema
