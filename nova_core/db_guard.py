"""Keep the database out of compute processes.

``forbid_db_access()`` runs first thing in ``nova-core-compute``: from then
on importing ``nova_core.db`` (or anything below it) raises
DBAccessForbidden, and so does asking an already imported database layer
for its engine. Compute nodes reach the database only through conductors.
"""
import importlib.abc
import sys

from nova_core import exception

_PACKAGE = 'nova_core.db'


class _DatabaseImportBlocker(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):
        if fullname == _PACKAGE or fullname.startswith(_PACKAGE + '.'):
            raise exception.DBAccessForbidden(what='import of ' + fullname)
        return None


def forbid_db_access():
    if not any(isinstance(f, _DatabaseImportBlocker) for f in sys.meta_path):
        sys.meta_path.insert(0, _DatabaseImportBlocker())
    session = sys.modules.get(_PACKAGE + '.session')
    if session is not None:
        session.forbid()
