"""Kept for compute-side importers: the names live in
:mod:`nova_core.states.task_states`, which new code imports."""
from nova_core.states.task_states import *  # noqa: F401,F403
