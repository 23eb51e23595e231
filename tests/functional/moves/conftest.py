"""Fixtures of the rebuild, resize, snapshot and move tests."""
import pytest

from nova_core.compute import service as compute_service
from nova_core.conf import CONF
from nova_core.db import services as db_services
from tests.fixtures import openstack_cli
from tests.fixtures.client import Client
from tests.fixtures.conf import ConfFixture
from tests.fixtures.hosts import HostConf
from tests.functional.moves.helpers import SECOND, boot, glance


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


class SecondHost:
    """A second fake compute host in this process (``compute-c``): the
    servers a test booted (``booted``) are deleted before it goes."""

    def __init__(self):
        self.booted = []
        self.service = None

    def start(self):
        self.service = compute_service.create_service(HostConf(CONF,
                                                               SECOND))
        self.service.start()

    def stop(self):
        """Stop its compute service: it is down at once."""
        self.service.stop()
        self.service = None

    def set_service(self, **values):
        (service,) = db_services.get_all(binary='nova-compute', host=SECOND)
        db_services.update(service['id'], values)


@pytest.fixture
def two_hosts(cloud, admin):
    host = SecondHost()
    host.start()
    yield host
    host.set_service(disabled=False, forced_down=False)
    if host.service is None:
        host.start()
    for server_id in host.booted:
        admin.delete('/servers/%s' % server_id)
    for server_id in host.booted:
        admin.wait_gone(server_id)
    host.stop()
    (record,) = [s for s in admin.get('/os-services').json()['services']
                 if s['host'] == SECOND]
    assert admin.delete('/os-services/%s' % record['id']).status_code == 204
