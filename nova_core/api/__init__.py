"""nova-core-api: the OpenStack Compute API v2.1 over Flask."""
