"""Disk files through ``qemu-img``: overlays, inspection, flattening."""
import json
import logging
import subprocess

from nova_core import exception

LOG = logging.getLogger(__name__)

QEMU_IMG = 'qemu-img'


def _run(*args):
    cmd = (QEMU_IMG,) + args
    LOG.debug('Running %s', ' '.join(cmd))
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True,
                              check=False)
    except OSError as exc:
        raise exception.VirtDriverError(
            reason=f'cannot run {QEMU_IMG}: {exc}') from exc
    if proc.returncode != 0:
        raise exception.VirtDriverError(
            reason=f'qemu-img {args[0]} failed: {proc.stderr.strip()}')
    return proc.stdout


def info(path):
    """``qemu-img info`` of ``path`` as a dict (works on disks in use)."""
    return json.loads(_run('info', '-U', '--output=json', path))


def backing_file(path):
    """Absolute path of ``path``'s backing file, None if it has none."""
    data = info(path)
    return data.get('full-backing-filename') or data.get('backing-filename')


def create_overlay(base, base_format, path, size=None):
    """A qcow2 file at ``path`` backed by ``base``, ``size`` bytes big (by
    default as big as the base)."""
    args = ['create', '-q', '-f', 'qcow2', '-b', base, '-F', base_format,
            path]
    if size:
        args.append(str(size))
    _run(*args)


def convert(source, dest, out_format='qcow2'):
    """Copy ``source`` (and its backing chain) into a standalone ``dest``."""
    _run('convert', '-U', '-O', out_format, source, dest)


def resize(path, size):
    """Grow the disk at ``path`` to ``size`` bytes (never shrinks)."""
    _run('resize', '-q', path, str(size))
