"""JSON Schemas of request bodies and query strings, by resource."""
