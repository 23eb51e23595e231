"""Fixtures of the rebuild, resize and snapshot tests."""
import pytest

from tests.fixtures import openstack_cli
from tests.fixtures.client import Client
from tests.fixtures.conf import ConfFixture
from tests.functional.moves.helpers import boot, glance


@pytest.fixture
def conf():
    fixture = ConfFixture()
    yield fixture
    fixture.cleanup()


@pytest.fixture
def same_host(conf):
    """The functional cloud has one compute host."""
    conf.config(allow_resize_to_same_host=True)


@pytest.fixture
def server(api, image_id):
    server_id = boot(api, image_id)
    yield server_id
    api.delete('/servers/%s' % server_id)


@pytest.fixture(scope='module')
def other_image(endpoint):
    """A second active image to rebuild with."""
    api = Client(endpoint, version=None)
    image = api.post(glance(api), json={
        'name': 'rebuild-target', 'disk_format': 'raw',
        'container_format': 'bare', 'visibility': 'public',
        'min_ram': 0}, headers={'X-Auth-Token': 'admin:admin'}).json()
    response = api.put('%s/%s/file' % (glance(api), image['id']),
                       data=b'\1' * 4096,
                       headers={'Content-Type': 'application/octet-stream',
                                'X-Auth-Token': 'admin:admin'})
    assert response.status_code == 204, response.text
    return image['id']


@pytest.fixture
def cli(endpoint):
    return openstack_cli.runner(openstack_cli.environ(endpoint,
                                                      OS_AUTH_TYPE='none'))
