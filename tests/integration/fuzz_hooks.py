"""schemathesis hooks for the stateful fuzz (``SCHEMATHESIS_HOOKS``).

Random bodies rarely name a flavor and an image that exist or a public key
that parses, so creates would almost never succeed and the links from them
(created server -> show/action/delete, key pair -> show/delete) would go
unfollowed. Half the boots therefore name the fuzz cloud's first flavor
and its starter image (``NOVA_CORE_FUZZ_IMAGE_ID``) under a valid name,
and half the key pair
creates a real public key, the rest of each body as generated.

A server action that names another resource by name answers 404 when
that resource does not exist (``addSecurityGroup`` of an unknown group,
as Nova does). Schemathesis's stateful check "created resource not
found" cannot tell that 404 from a lost server, since the action's path
came from the create's link, so every valid ``addSecurityGroup`` and
``removeSecurityGroup`` names the group that exists (``default``); the
unknown group's 404 is tested in tests/functional/test_actions.py.

Only a body that already passes the API's own request schema is made
realistic: the negative phases send bodies that are invalid on purpose
(a 256-character name, a missing flavorRef), and replacing the invalid
field with a valid one would make schemathesis expect the 4xx it meant to
provoke and report the API's 202 as "schema-violating request accepted".
"""
import os
import re
import time
import urllib.parse

import requests
import schemathesis
from hypothesis import strategies as st
from schemathesis.core.failures import Failure
from schemathesis.specs.openapi.checks import (
    ensure_resource_availability,
    use_after_free,
)

from nova_core import exception
from nova_core.api import microversion, validation
from nova_core.api.schemas import keypairs as keypair_schemas
from nova_core.api.schemas import servers as server_schemas

# Glance's JSON-patch media type is JSON on the wire.
schemathesis.serializer.alias('application/openstack-images-v2.1-json-patch',
                              'application/json')

PUBLIC_KEY = ('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKiIbd/WD/uhyav7lgEvVnLEO'
              'JJQg7CeNKnFQDtwt27f fuzz')


#: Server create fields naming services nova-core lacks (volumes) or that
#: must be base64: dropped from the realistic boots.
_NO_SERVICE = ('block_device_mapping', 'block_device_mapping_v2',
               'user_data')


def _valid(schema, body):
    try:
        validation.check(schema, body)
    except exception.ValidationError:
        return False
    return True


def _realistic(body):
    """``body`` with real references in it, or None if it is not a valid
    create body this module knows."""
    if not isinstance(body, dict):
        return None
    # The fuzz sends the newest microversion (``_command``'s header).
    version = microversion.MAX_VERSION
    if 'server' in body and not _valid(server_schemas.create(version), body):
        return None
    if 'keypair' in body and not _valid(keypair_schemas.create(version),
                                        body):
        return None
    server = body.get('server')
    if isinstance(server, dict):
        server = {k: v for k, v in server.items() if k not in _NO_SERVICE}
        return dict(body, server=dict(
            server, name='fuzz', flavorRef='1',
            imageRef=os.environ.get('NOVA_CORE_FUZZ_IMAGE_ID', '')))
    keypair = body.get('keypair')
    if isinstance(keypair, dict):
        return dict(body, keypair=dict(keypair, public_key=PUBLIC_KEY))
    return None


#: Server actions whose body names a security group.
_SECURITY_GROUP_ACTIONS = ('addSecurityGroup', 'removeSecurityGroup')


def _existing_security_group(body):
    """``body`` naming the group that exists, or None if it is not a
    valid security group action."""
    if not isinstance(body, dict) or len(body) != 1:
        return None
    (action, args), = body.items()
    if action not in _SECURITY_GROUP_ACTIONS or not isinstance(args, dict):
        return None
    if not isinstance(args.get('name'), str) or not args['name']:
        return None
    return {action: dict(args, name='default')}


@schemathesis.hook
def flatmap_body(context, body):
    if context.operation.label == 'POST /v2.1/servers/{server_id}/action':
        return st.just(_existing_security_group(body) or body)
    if context.operation.label not in ('POST /v2.1/servers',
                                       'POST /v2.1/os-keypairs'):
        return st.just(body)
    real = _realistic(body)
    return st.just(body) if real is None else st.sampled_from([real, body])


#: The path of a linked operation up to its first parameter: the
#: resource a create made (``/v2.1/servers/{server_id}``).
_RESOURCE = re.compile(r'^(.*?\{[^}]+\})')

#: Request headers the resource's own GET is sent with.
_KEPT_HEADERS = ('X-Auth-Token', 'OpenStack-API-Version')


def _get(response, path):
    """The status of a GET of ``path`` on the API that sent
    ``response``, with its token and microversion."""
    url = urllib.parse.urlsplit(response.request.url)
    headers = {name: response.request.headers[name]
               for name in _KEPT_HEADERS if name in response.request.headers}
    return requests.get('%s://%s%s' % (url.scheme, url.netloc, path),
                        headers=headers, timeout=30).status_code


def _resource_exists(response, case):
    match = _RESOURCE.match(case.path)
    if match is None:
        return False
    path = match.group(1).format(**(case.path_parameters or {}))
    return _get(response, path) == 200


@schemathesis.check
def created_resource_still_there(ctx, response, case):
    """schemathesis's ``ensure_resource_availability`` (ST302), confirmed:
    a 404 after a create counts only if the created resource itself is
    gone too."""
    try:
        return ensure_resource_availability(ctx, response, case)
    except Failure:
        if _resource_exists(response, case):
            return None
        raise


#: How long a deleted resource may take to go: Nova deletes a server
#: asynchronously (204, then the server shows ``task_state: deleting``
#: until its compute host has destroyed it).
DELETE_SECONDS = 30


def _gone_in_time(response, path):
    deadline = time.monotonic() + DELETE_SECONDS
    while True:
        if _get(response, path) == 404:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)


@schemathesis.check
def deleted_resource_gone(ctx, response, case):
    """schemathesis's ``use_after_free`` (ST301), for asynchronous
    deletes: a read that found a deleted resource counts only if the
    resource does not go within :data:`DELETE_SECONDS` of the read."""
    try:
        return use_after_free(ctx, response, case)
    except Failure as failure:
        method, _, path = getattr(failure, 'free', '').partition(' ')
        if method == 'DELETE' and path and _gone_in_time(response, path):
            return None
        raise
