"""Kept for compute-side importers: the names live in
:mod:`nova_core.states.power_state`, which new code imports."""
from nova_core.states.power_state import *  # noqa: F401,F403
