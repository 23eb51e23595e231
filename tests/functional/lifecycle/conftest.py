"""Fixtures of the backup, shelve, rescue, password and crash dump tests."""
import pytest

from tests.fixtures import openstack_cli
from tests.functional.moves.helpers import boot


@pytest.fixture
def server(api, image_id):
    server_id = boot(api, image_id, name='life')
    yield server_id
    api.delete('/servers/%s' % server_id)


@pytest.fixture
def cli(endpoint):
    return openstack_cli.runner(openstack_cli.environ(endpoint,
                                                      OS_AUTH_TYPE='none'))
