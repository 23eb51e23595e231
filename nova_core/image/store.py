"""Image data on the API host's disk: ``[api] image_data_path/<image id>``.

Uploads are written to a temporary file and renamed into place once their
size and checksums are known, so a reader never sees half an image. Files
are readable by the API's own user alone (0600, in a 0700 directory),
whatever the process's umask: other tenants' images are no business of
other local users.
"""
import hashlib
import os
import tempfile

from nova_core import exception

CHUNK = 1024 * 1024
FILE_MODE = 0o600
DIR_MODE = 0o700


class ImageStore:

    def __init__(self, conf):
        self.path = conf.api.image_data_path
        self.size_cap = conf.api.image_size_cap

    def _file(self, image_id):
        return os.path.join(self.path, image_id)

    def write(self, image_id, stream):
        """Store the data read from ``stream``.

        :returns: dict of ``size``, ``checksum`` (md5), ``os_hash_algo``
            and ``os_hash_value`` (sha512).
        :raises: ImageTooLarge (413) when over ``image_size_cap``.
        """
        self._make_dir()
        md5, sha512, size = hashlib.md5(usedforsecurity=False), \
            hashlib.sha512(), 0
        fd, tmp = tempfile.mkstemp(dir=self.path, prefix='.upload-')
        try:
            with os.fdopen(fd, 'wb') as out:
                while True:
                    chunk = stream.read(CHUNK)
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > self.size_cap:
                        raise exception.ImageTooLarge(cap=self.size_cap)
                    md5.update(chunk)
                    sha512.update(chunk)
                    out.write(chunk)
            os.chmod(tmp, FILE_MODE)
            os.replace(tmp, self._file(image_id))
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        return {'size': size, 'checksum': md5.hexdigest(),
                'os_hash_algo': 'sha512', 'os_hash_value': sha512.hexdigest()}

    def _make_dir(self):
        """The data directory, private to this service (umask aside)."""
        os.makedirs(self.path, mode=DIR_MODE, exist_ok=True)
        if os.stat(self.path).st_mode & 0o777 != DIR_MODE:
            os.chmod(self.path, DIR_MODE)

    def exists(self, image_id):
        return os.path.exists(self._file(image_id))

    def open(self, image_id):
        """The image's data as a binary file open for reading; the caller
        closes it (the API hands it to the WSGI server's file wrapper, which
        streams it in chunks without holding a thread).

        :raises: ImageNotFound when no data was uploaded.
        """
        try:
            return open(self._file(image_id), 'rb')
        except FileNotFoundError:
            raise exception.ImageNotFound(image_id=image_id)

    def delete(self, image_id):
        try:
            os.unlink(self._file(image_id))
        except FileNotFoundError:
            pass
