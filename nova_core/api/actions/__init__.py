"""The server actions of ``POST /servers/{id}/action``, one module per
family. Each module exports ``ACTIONS``: body key -> :class:`Action`.

A handler takes ``(ctx, api, instance, body)`` and returns a Flask
response, or None for Nova's usual empty 202.
"""
from nova_core.api.actions import (
    admin,
    backup,
    base,
    console,
    deletion,
    evacuate,
    guest,
    live_migrate,
    lock,
    migrate,
    power,
    rebuild,
    rescue,
    resize,
    security_groups,
    shelve,
    snapshot,
)

Action = base.Action

#: body key -> Action, for every action nova-core serves.
ACTIONS = {}
for _module in (power, console, lock, admin, deletion, rebuild, resize,
                snapshot, security_groups, backup, shelve, rescue, guest,
                migrate, live_migrate, evacuate):
    ACTIONS.update(_module.ACTIONS)
