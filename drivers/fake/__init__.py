"""The fake driver: guests in memory, for tests and scale simulation."""
