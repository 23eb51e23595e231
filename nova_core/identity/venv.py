"""The Python environment Keystone runs from.

Keystone 30 pins libraries of its own (SQLAlchemy, oslo.*, Flask ...) that
need not agree with nova-core's, so it lives in a virtual environment of
its own: ``$NOVA_CORE_KEYSTONE_VENV``, else nova-core's own when
``pip install 'nova-core[keystone]'`` put Keystone there, else
``~/.cache/nova-core/keystone-venv``. :func:`ensure` creates the last with
pip from the package index when it is missing (about a minute, ~200 MB)
and reuses it afterwards.
"""
import contextlib
import fcntl
import os
import subprocess
import sys

from nova_core import identity

#: What the environment holds.
REQUIREMENTS = ('keystone>=30,<31', 'gunicorn>=21')

#: Programs a usable environment has.
PROGRAMS = ('keystone-manage', 'gunicorn')


def default_path():
    """``$NOVA_CORE_KEYSTONE_VENV``; else this environment when the
    ``keystone`` extra installed Keystone into it; else the cached one."""
    if os.environ.get('NOVA_CORE_KEYSTONE_VENV'):
        return os.environ['NOVA_CORE_KEYSTONE_VENV']
    if is_ready(sys.prefix):
        return sys.prefix
    return os.path.expanduser('~/.cache/nova-core/keystone-venv')


def program(venv, name):
    return os.path.join(venv, 'bin', name)


def is_ready(venv):
    return all(os.access(program(venv, name), os.X_OK) for name in PROGRAMS)


def ensure(venv=None, create=True):
    """The path of a usable Keystone environment, made when missing.

    :raises: KeystoneUnavailable when it is missing and ``create`` is
        False, or when pip fails (with pip's last lines).
    """
    venv = os.path.abspath(venv or default_path())
    if is_ready(venv):
        return venv
    if not create:
        raise identity.KeystoneError(reason=(
            'no keystone environment at %s (create it with %s -m '
            'nova_core.identity.venv %s)' % (venv, sys.executable, venv)))
    os.makedirs(os.path.dirname(venv), exist_ok=True)
    with _locked(venv + '.lock'):
        if not is_ready(venv):
            _create(venv)
    return venv


def _create(venv):
    _run([sys.executable, '-m', 'venv', '--clear', venv], venv)
    _run([program(venv, 'python'), '-m', 'pip', 'install', '--quiet',
          '--disable-pip-version-check', *REQUIREMENTS], venv)
    if not is_ready(venv):
        raise identity.KeystoneError(reason=(
            'pip installed %s into %s but %s are missing'
            % (', '.join(REQUIREMENTS), venv, ', '.join(PROGRAMS))))


def _run(argv, venv):
    result = subprocess.run(argv, capture_output=True, text=True)
    if result.returncode != 0:
        tail = '\n'.join((result.stderr or result.stdout).splitlines()[-5:])
        raise identity.KeystoneError(reason=(
            'creating the keystone environment %s failed: %s: %s'
            % (venv, ' '.join(argv[:4]), tail)))


@contextlib.contextmanager
def _locked(path):
    """One creator at a time (parallel test workers, two clouds)."""
    with open(path, 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


if __name__ == '__main__':
    print(ensure(sys.argv[1] if len(sys.argv) > 1 else None))
