"""The HTTP client compute nodes use to reach image data.

It speaks the Glance v2 API that nova-core-api serves under
``<api_server>/v2/images`` and never touches the database, so a compute node
can fetch images with nothing but the caller's token, plus, with
``[service_user] send_service_user_token``, a token of its own
(``X-Service-Token``) that lets the request through when the caller's token
has expired meanwhile::

    client = ImageClient(CONF)
    meta = client.show(ctxt, image_id)          # image_meta dict
    client.download(ctxt, image_id, '/path/to/file')   # md5 verified
    client.upload(ctxt, image_id, fileobj, 'qcow2')    # a snapshot's data
    client.delete(ctxt, image_id)                      # a failed snapshot
"""
import hashlib
import logging
import os
import tempfile

import requests
from keystoneauth1 import exceptions as ks_exceptions
from keystoneauth1 import loading as ks_loading

from nova_core import exception
from nova_core.conf import service_user as service_user_conf

LOG = logging.getLogger(__name__)

CHUNK = 1024 * 1024

#: Glance v2 image fields that are not custom properties.
BASE_FIELDS = frozenset((
    'id', 'name', 'status', 'visibility', 'protected', 'checksum',
    'os_hash_algo', 'os_hash_value', 'owner', 'size', 'virtual_size',
    'min_ram', 'min_disk', 'disk_format', 'container_format', 'created_at',
    'updated_at', 'tags', 'self', 'file', 'schema', 'direct_url',
    'locations', 'os_hidden'))

#: The fields of the ``image_meta`` dicts drivers receive (besides
#: ``properties``), see :mod:`nova_core.virt.driver`.
META_FIELDS = ('id', 'name', 'status', 'disk_format', 'container_format',
               'size', 'checksum', 'min_ram', 'min_disk')


def to_image_meta(image):
    """A Glance v2 image document as the ``image_meta`` dict drivers use."""
    meta = {key: image.get(key) for key in META_FIELDS}
    meta['properties'] = {key: value for key, value in image.items()
                          if key not in BASE_FIELDS}
    return meta


class _Progress:
    """Logs every tenth of a large transfer."""

    def __init__(self, what, image_id, total, min_bytes):
        self.what, self.image_id, self.total = what, image_id, total or 0
        self.enabled = self.total >= min_bytes
        self.done = 0
        self.next_tenth = 1

    def add(self, count):
        self.done += count
        if not self.enabled:
            return
        while self.next_tenth <= 10 and \
                self.done * 10 >= self.total * self.next_tenth:
            LOG.info('%s image %s: %d%% (%d of %d MiB)', self.what,
                     self.image_id, self.next_tenth * 10,
                     self.done // CHUNK, self.total // CHUNK)
            self.next_tenth += 1


class ImageClient:
    """Glance v2 client over ``requests`` for compute nodes."""

    def __init__(self, conf):
        self.conf = conf
        self.servers = [s.rstrip('/') for s in conf.glance.api_servers]
        if not self.servers:
            raise exception.ConfigInvalid(reason='[glance] api_servers is '
                                                 'empty')
        self.session = requests.Session()
        if conf.glance.cafile:
            self.session.verify = conf.glance.cafile
        self.service_auth = _service_auth(conf)

    # --- public -------------------------------------------------------------

    def show(self, context, image_id):
        """The image's metadata as an ``image_meta`` dict.

        :raises: ImageNotFound, ImageServiceError.
        """
        resp = self._request(context, 'GET', image_id, '')
        return to_image_meta(resp.json())

    def download(self, context, image_id, dest_path, checksum=None):
        """Stream the image's data into ``dest_path``.

        The data lands in ``dest_path`` only when complete and, unless
        ``[glance] verify_checksum`` is off, when its md5 matches
        ``checksum`` or else the ``Content-MD5`` the server sent.

        :raises: ImageNotFound, ImageChecksumMismatch, ImageServiceError.
        """
        resp = self._request(context, 'GET', image_id, '/file', stream=True)
        expected = checksum or resp.headers.get('Content-MD5')
        total = int(resp.headers.get('Content-Length') or 0)
        progress = _Progress('Downloading', image_id, total,
                             self.conf.glance.progress_log_min_mb * CHUNK)
        fd, tmp_path = tempfile.mkstemp(
            dir=os.path.dirname(os.path.abspath(dest_path)),
            prefix=os.path.basename(dest_path) + '.', suffix='.part')
        os.close(fd)
        try:
            actual = self._save(resp, tmp_path, progress, image_id)
            self._check(image_id, expected, actual)
            os.chmod(tmp_path, 0o644)
            os.replace(tmp_path, dest_path)
        except BaseException:
            _unlink(tmp_path)
            raise
        finally:
            resp.close()
        LOG.info('Downloaded image %s (%d bytes) to %s', image_id,
                 progress.done, dest_path)

    def upload(self, context, image_id, fileobj, disk_format=None):
        """Send ``fileobj``'s data as the image's data (Glance v2 PUT).

        ``disk_format``, when given, is set on the image first.

        :raises: ImageNotFound, ImageServiceError.
        """
        if disk_format:
            self._set_disk_format(context, image_id, disk_format)
        size = _size_of(fileobj)
        progress = _Progress('Uploading', image_id, size,
                             self.conf.glance.progress_log_min_mb * CHUNK)
        body = _Reader(fileobj, progress, size)
        # A streamed body cannot be sent twice: no retries for uploads.
        self._request(context, 'PUT', image_id, '/file', retries=0,
                      data=body if size is not None else iter(body),
                      headers={'Content-Type': 'application/octet-stream'})
        LOG.info('Uploaded %d bytes to image %s', progress.done, image_id)

    def delete(self, context, image_id):
        """Delete the image (a snapshot that failed).

        :raises: ImageNotFound, ImageServiceError.
        """
        self._request(context, 'DELETE', image_id, '').close()
        LOG.info('Deleted image %s', image_id)

    # --- helpers ------------------------------------------------------------

    def _set_disk_format(self, context, image_id, disk_format):
        patch = [{'op': 'replace', 'path': '/disk_format',
                  'value': disk_format}]
        headers = {'Content-Type':
                   'application/openstack-images-v2.1-json-patch'}
        resp = self._request(context, 'PATCH', image_id, '', json=patch,
                             headers=headers, allow=(405,))
        if resp.status_code == 405:
            LOG.warning('Image API does not allow PATCH; image %s keeps its '
                        'disk_format', image_id)

    def _save(self, resp, path, progress, image_id):
        md5 = hashlib.md5(usedforsecurity=False)
        try:
            with open(path, 'wb') as f:
                for chunk in resp.iter_content(CHUNK):
                    f.write(chunk)
                    md5.update(chunk)
                    progress.add(len(chunk))
        except requests.RequestException as exc:
            raise exception.ImageServiceError(
                image_id=image_id, reason=f'download interrupted: {exc}')
        return md5.hexdigest()

    def _check(self, image_id, expected, actual):
        if not self.conf.glance.verify_checksum:
            return
        if not expected:
            LOG.warning('Image %s has no checksum; data not verified',
                        image_id)
            return
        if expected.lower() != actual:
            raise exception.ImageChecksumMismatch(
                image_id=image_id, expected=expected, actual=actual)

    def _request(self, context, method, image_id, suffix, retries=None,
                 allow=(), **kwargs):
        """One request, tried on each server in turn on transient errors."""
        headers = kwargs.pop('headers', {})
        token = getattr(context, 'auth_token', None)
        if token:
            headers['X-Auth-Token'] = token
            if self.service_auth is not None:
                headers['X-Service-Token'] = self._service_token(image_id)
        retries = self.conf.glance.num_retries if retries is None else retries
        error = None
        for attempt in range(retries + 1):
            server = self.servers[attempt % len(self.servers)]
            url = f'{server}/v2/images/{image_id}{suffix}'
            try:
                resp = self.session.request(
                    method, url, headers=headers,
                    timeout=self.conf.glance.timeout, **kwargs)
            except requests.RequestException as exc:
                error = f'{method} {url}: {exc}'
                LOG.warning('Image API request failed (attempt %d of %d): '
                            '%s', attempt + 1, retries + 1, error)
                continue
            if resp.status_code in allow:
                return resp
            if resp.status_code < 500:
                return self._checked(resp, image_id)
            error = f'{method} {url}: HTTP {resp.status_code}'
            LOG.warning('Image API error (attempt %d of %d): %s',
                        attempt + 1, retries + 1, error)
            resp.close()
        raise exception.ImageServiceError(image_id=image_id, reason=error)

    def _service_token(self, image_id):
        """The service user's token (keystoneauth1 renews it before it
        expires)."""
        auth, session = self.service_auth
        try:
            return auth.get_token(session)
        except ks_exceptions.ClientException as exc:
            raise exception.ImageServiceError(
                image_id=image_id, reason='no service token from Keystone '
                                          'for [service_user]: %s' % exc)

    @staticmethod
    def _checked(resp, image_id):
        if resp.status_code == 404:
            resp.close()
            raise exception.ImageNotFound(image_id=image_id)
        if resp.status_code >= 400:
            reason = f'HTTP {resp.status_code}: {resp.text[:200]}'
            resp.close()
            raise exception.ImageServiceError(image_id=image_id,
                                              reason=reason)
        return resp


def _service_auth(conf):
    """``(auth plugin, session)`` of ``[service_user]`` when
    ``send_service_user_token`` is on, else None.

    :raises: ConfigInvalid when it is on without credentials.
    """
    service_user_conf.register_opts(conf)  # idempotent; a private conf
    if not conf.service_user.send_service_user_token:
        return None
    auth = ks_loading.load_auth_from_conf_options(conf, 'service_user')
    if auth is None:
        raise exception.ConfigInvalid(reason=(
            '[service_user] send_service_user_token is set but '
            '[service_user] has no auth_type (e.g. password, with auth_url, '
            'username, password, project_name, user_domain_name and '
            'project_domain_name)'))
    session = ks_loading.load_session_from_conf_options(conf, 'service_user',
                                                        auth=auth)
    return auth, session


def _size_of(fileobj):
    try:
        return os.fstat(fileobj.fileno()).st_size - fileobj.tell()
    except (AttributeError, OSError, ValueError):
        return None


class _Reader:
    """A file-like body that counts progress; iterable for chunked sends."""

    def __init__(self, fileobj, progress, size):
        self.fileobj, self.progress, self.size = fileobj, progress, size

    def __len__(self):
        return self.size or 0

    def read(self, count=-1):
        data = self.fileobj.read(count)
        self.progress.add(len(data))
        return data

    def __iter__(self):
        while True:
            chunk = self.read(CHUNK)
            if not chunk:
                return
            yield chunk


def _unlink(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
