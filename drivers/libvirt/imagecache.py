"""Base images cached on this compute node.

Each image is downloaded once per node into ``images_path`` (file named by
the sha1 of the image id, as Nova names them), checksum verified by the
image client, and shared read-only by every guest's qcow2 overlay. A pass
over the cache removes base images that no guest's disk has used for a
while. Concurrent fetches of one image, by threads or processes, wait on a
file lock and download once; the lock files stay (a lock file removed
while another process waits on it would let two fetches run at once).
"""
import contextlib
import fcntl
import hashlib
import logging
import os
import time

from nova_core_drivers.libvirt import disk

LOG = logging.getLogger(__name__)


def cache_name(image_id):
    return hashlib.sha1(image_id.encode(), usedforsecurity=False).hexdigest()


@contextlib.contextmanager
def _file_lock(path):
    with open(path, 'a') as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


class ImageCache:
    """Fetches base images through an image client and cleans them."""

    def __init__(self, images_path, image_service):
        self.path = images_path
        self.image_service = image_service

    def path_of(self, image_id):
        return os.path.join(self.path, cache_name(image_id))

    def fetch(self, context, image_meta):
        """Local path of the image's data, downloading it if needed.

        :raises: ImageNotFound, ImageChecksumMismatch, ImageServiceError.
        """
        image_id = image_meta['id']
        path = self.path_of(image_id)
        os.makedirs(self.path, mode=0o755, exist_ok=True)
        with _file_lock(path + '.lock'):
            if os.path.exists(path):
                os.utime(path)
                LOG.debug('Image %s is cached at %s', image_id, path)
                return path
            LOG.info('Fetching image %s into the cache', image_id)
            self.image_service.download(context, image_id, path,
                                        checksum=image_meta.get('checksum'))
            os.chmod(path, 0o644)
        return path

    def used_bases(self, instance_dirs):
        """Cached files some guest's disk or boot files refer to."""
        used = set()
        for inst_dir in instance_dirs:
            for name in os.listdir(inst_dir) if os.path.isdir(inst_dir) \
                    else ():
                self._add_use(os.path.join(inst_dir, name), used)
        return used

    @staticmethod
    def _add_use(path, used):
        if path.endswith('disk'):
            try:
                backing = disk.backing_file(path)
            except Exception:
                LOG.warning('Cannot inspect %s', path, exc_info=True)
                return
            if backing:
                used.add(os.path.realpath(backing))

    def clean(self, instance_dirs, min_age):
        """Remove cached images unused by any of ``instance_dirs``' disks
        and untouched for ``min_age`` seconds. Returns the removed paths."""
        if not os.path.isdir(self.path):
            return []
        used = self.used_bases(instance_dirs)
        base_dir = os.path.realpath(self.path)
        removed = []
        now = time.time()
        for name in os.listdir(self.path):
            path = os.path.join(base_dir, name)
            if name.endswith('.lock') or path in used or _linked(path):
                continue
            if now - os.path.getmtime(path) < min_age:
                continue
            with _file_lock(path + '.lock'):
                LOG.info('Removing unused base image %s', path)
                _unlink(path)
            removed.append(path)
        return removed


def _linked(path):
    """Whether a guest's directory holds a hard link to ``path`` (kernels
    and ramdisks are linked, not copied)."""
    try:
        return os.stat(path).st_nlink > 1
    except FileNotFoundError:
        return False


def _unlink(path):
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
