"""Console scripts: one module per service."""
