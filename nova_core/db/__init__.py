"""The database layer. Only the API and conductor services import it."""
