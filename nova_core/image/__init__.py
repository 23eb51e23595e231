"""Image data for compute nodes: the Glance v2 HTTP client."""
