"""Image data on the API host's disk: ``[api] image_data_path/<image id>``.

Uploads are written to a temporary file and renamed into place once their
size and checksums are known, so a reader never sees half an image.
"""
import hashlib
import os
import tempfile

from nova_core import exception

CHUNK = 1024 * 1024


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
        os.makedirs(self.path, exist_ok=True)
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
            os.chmod(tmp, 0o644)
            os.replace(tmp, self._file(image_id))
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        return {'size': size, 'checksum': md5.hexdigest(),
                'os_hash_algo': 'sha512', 'os_hash_value': sha512.hexdigest()}

    def exists(self, image_id):
        return os.path.exists(self._file(image_id))

    def read(self, image_id):
        """A generator of the image's data in chunks.

        :raises: ImageNotFound when no data was uploaded.
        """
        path = self._file(image_id)
        if not os.path.exists(path):
            raise exception.ImageNotFound(image_id=image_id)
        handle = open(path, 'rb')

        def chunks():
            with handle:
                while True:
                    chunk = handle.read(CHUNK)
                    if not chunk:
                        return
                    yield chunk
        return chunks()

    def delete(self, image_id):
        try:
            os.unlink(self._file(image_id))
        except FileNotFoundError:
            pass
