"""Kept for compute-side importers: the names live in
:mod:`nova_core.states.vm_states`, which new code imports."""
from nova_core.states.vm_states import *  # noqa: F401,F403
