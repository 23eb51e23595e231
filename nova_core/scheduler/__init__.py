"""Host selection, run inside conductors: filters, then weighers."""
