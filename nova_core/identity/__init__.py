"""Keystone for nova-core: the process, its environment and its data.

:mod:`.venv` finds or makes the Python environment Keystone runs from,
:mod:`.keystone_process` configures, starts and stops a Keystone on
SQLite, :mod:`.catalog` registers nova-core's users, services and
endpoints through the Identity API, and :mod:`.embedded` puts them
together for ``nova-core-all --keystone``.
"""
from nova_core import exception


class KeystoneError(exception.NovaCoreException):
    msg_fmt = 'Keystone: %(reason)s'
