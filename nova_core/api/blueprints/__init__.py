"""One Flask blueprint per resource of the Compute API."""
