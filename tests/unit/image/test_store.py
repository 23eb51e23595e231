"""Image files are private to the API's user, whatever the umask."""
import io
import os
import stat
import types

import pytest

from nova_core.image.store import ImageStore


@pytest.fixture
def open_umask():
    old = os.umask(0)
    yield
    os.umask(old)


def _store(path):
    return ImageStore(types.SimpleNamespace(api=types.SimpleNamespace(
        image_data_path=str(path), image_size_cap=1 << 20)))


def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_new_directory_and_file_are_private(tmp_path, open_umask):
    store = _store(tmp_path / 'images')
    store.write('img-1', io.BytesIO(b'data'))
    assert _mode(tmp_path / 'images') == 0o700
    assert _mode(tmp_path / 'images' / 'img-1') == 0o600
    with store.open('img-1') as data:
        assert data.read() == b'data'


def test_existing_open_directory_is_closed(tmp_path, open_umask):
    path = tmp_path / 'images'
    path.mkdir(mode=0o777)
    _store(path).write('img-2', io.BytesIO(b'x'))
    assert _mode(path) == 0o700
    assert _mode(path / 'img-2') == 0o600
