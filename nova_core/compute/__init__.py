"""The compute node's service: never imports the database layer."""
