"""The whole system in one process: nova-core-all on embedded defaults.

One cloud serves the session (starting one costs ~1 s); tests create what
they need under names of their own. ``NOVA_CORE_FUNCTIONAL_DB`` names an
empty database to use instead of SQLite (e.g.
``mysql+pymysql://root@127.0.0.1/nova_functional``), to run the whole suite
on MariaDB or PostgreSQL; under xdist each worker needs a database of its
own: ``{worker}`` in the URL becomes the worker's id (``gw0``, ``gw1``).
The fake driver fails ``spawn`` and
``reboot`` for servers whose name starts with ``fail-``. Servers get their
address on the default network ``private``; the network ``tiny`` has one.
"""
import os

import pytest

from nova_core.bootstrap import STARTER_IMAGE
from nova_core.cmd import all as all_cmd
from nova_core.conf import CONF
from nova_core_drivers.fake import conf as fake_conf
from tests.fixtures.client import Client
from tests.fixtures.conf import ConfFixture, parse

CLOUD_CONF = """
[DEFAULT]
state_path = %(state)s
transport_url = local://
osapi_compute_listen_port = 0
use_stderr = false
log_file = %(state)s/nova-core.log

[database]
connection = %(connection)s

[fake]
fail_operations = spawn,reboot
fail_instance_names = ^fail-

[network]
networks = private, tiny

[network_tiny]
# One address (192.168.77.2): for the exhaustion tests.
cidr = 192.168.77.0/30
"""


def _connection(state, worker):
    url = os.environ.get('NOVA_CORE_FUNCTIONAL_DB')
    if not url:
        return 'sqlite:///%s/nova-core.sqlite' % state
    if worker != 'master' and '{worker}' not in url:
        pytest.fail('NOVA_CORE_FUNCTIONAL_DB is shared by the xdist '
                    'workers: put {worker} in its name or run with -n 0',
                    pytrace=False)
    return url.replace('{worker}', worker)


@pytest.fixture(scope='session')
def cloud(tmp_path_factory, worker_id):
    state = tmp_path_factory.mktemp('state')
    conf_file = state / 'nova.conf'
    connection = _connection(state, worker_id)
    conf_file.write_text(CLOUD_CONF % {'state': state,
                                       'connection': connection})
    all_cmd.set_defaults(CONF)
    fake_conf.register_opts(CONF)
    parse([conf_file])
    aio = all_cmd.AllInOne(CONF)
    aio.start()
    yield aio
    aio.stop()


@pytest.fixture
def conf():
    """Options a test sets on the cloud's config, restored after it."""
    fixture = ConfFixture()
    yield fixture
    fixture.cleanup()


@pytest.fixture(scope='session')
def endpoint(cloud):
    return cloud.endpoint


@pytest.fixture
def api(endpoint):
    return Client(endpoint)


@pytest.fixture
def admin(endpoint):
    return Client(endpoint, token='admin:admin')


@pytest.fixture(scope='session')
def image_id(endpoint):
    images = Client(endpoint, version=None).get(
        '/images', params={'name': STARTER_IMAGE}).json()['images']
    return images[0]['id']
