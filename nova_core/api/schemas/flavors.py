"""Schemas of ``/flavors``."""
from nova_core.api.schemas import types

#: API sort key -> column.
SORT_COLUMNS = {
    'flavorid': 'flavorid', 'id': 'flavorid', 'name': 'name',
    'memory_mb': 'memory_mb', 'vcpus': 'vcpus', 'root_gb': 'root_gb',
    'ephemeral_gb': 'ephemeral_gb', 'swap': 'swap',
    'rxtx_factor': 'rxtx_factor', 'is_public': 'is_public',
    'disabled': 'disabled', 'created_at': 'created_at',
    'description': 'description',
}

LIST_QUERY = {
    'type': 'object',
    'properties': {
        'sort_key': types.query_enum(sorted(SORT_COLUMNS)),
        'sort_dir': types.query_sort_dir,
        'limit': types.query_limit,
        'marker': types.query_any,
        'is_public': types.query_any,
        'minRam': types.query_limit,
        'minDisk': types.query_limit,
    },
    'additionalProperties': True,
}
