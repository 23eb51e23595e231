"""The conductor: the database's only door for compute nodes, and builder."""
