"""Schemas of ``/servers/{id}/metadata`` and ``/servers/{id}/tags``."""
import copy

from nova_core.api.schemas import types
from nova_core.api.schemas.servers import SERVER_TAG

#: Nova's per-server tag limit (``objects.instance.MAX_TAG_COUNT``).
MAX_TAGS = 50


def _wrapped(key, schema):
    return {'type': 'object', 'properties': {key: schema},
            'required': [key], 'additionalProperties': False}


#: POST (merge) and PUT (replace) of the whole set.
METADATA = _wrapped('metadata', types.metadata)

_ONE_ITEM = copy.deepcopy(types.metadata)
_ONE_ITEM.update(minProperties=1, maxProperties=1)
#: PUT of one item: ``{"meta": {key: value}}``.
METADATA_ITEM = _wrapped('meta', _ONE_ITEM)

#: PUT of all tags.
TAGS = _wrapped('tags', {'type': 'array', 'items': SERVER_TAG})
