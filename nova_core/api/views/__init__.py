"""Turning database rows into the API's JSON, microversion by microversion."""
