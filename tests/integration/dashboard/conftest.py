"""A cloud (nova-core-all in process, fake driver with delays) and a
headless Chromium driven by Playwright's Python API.

The browser is Debian's ``chromium`` (``/usr/bin/chromium``, or
``NOVA_CORE_CHROMIUM``); nothing downloads one. Without it, or without
the ``playwright`` module, the tests fail under CI and skip elsewhere.
The fake driver fails the spawn of servers named ``fail-*``.
Screenshots go to ``$NOVA_CORE_ARTIFACTS/dashboard`` if set, else to the
test's tmp directory.
"""
import os
import pathlib
import re
import shutil

import pytest

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # the browser fixture fails (CI) or skips
    expect = sync_playwright = None

from nova_core.cmd import all as all_cmd
from nova_core.conf import CONF
from nova_core_drivers.fake import conf as fake_conf
from tests.fixtures.client import Client
from tests.fixtures.conf import parse
from tests.fixtures.services import require

CHROMIUM = os.environ.get('NOVA_CORE_CHROMIUM', '/usr/bin/chromium')
CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu',
                 '--disable-background-networking',
                 '--disable-component-update', '--disable-sync',
                 '--no-first-run']

CLOUD_CONF = """
[DEFAULT]
state_path = %(state)s
transport_url = local://
osapi_compute_listen_port = 0
use_stderr = false
log_file = %(state)s/nova-core.log

[database]
connection = sqlite:///%(state)s/nova-core.sqlite

[fake]
spawn_delay = 1.5
power_delay = 1.0
fail_operations = spawn
fail_instance_names = ^fail-
"""


@pytest.fixture(scope='session')
def cloud(tmp_path_factory):
    state = tmp_path_factory.mktemp('state')
    conf_file = state / 'nova.conf'
    conf_file.write_text(CLOUD_CONF % {'state': state})
    all_cmd.set_defaults(CONF)
    fake_conf.register_opts(CONF)
    parse([conf_file])
    aio = all_cmd.AllInOne(CONF)
    aio.start()
    yield aio
    aio.stop()


@pytest.fixture(scope='session')
def root(cloud):
    """The cloud's root URL; the dashboard is under /dashboard/."""
    return cloud.endpoint.rsplit('/v2.1', 1)[0]


@pytest.fixture
def api(cloud):
    return Client(cloud.endpoint, token='demo:demo')


@pytest.fixture(scope='session')
def browser():
    require(shutil.which(CHROMIUM) is not None or os.path.exists(CHROMIUM),
            'chromium is not installed (apt-get install chromium)')
    require(sync_playwright is not None,
            'the playwright module is not installed')
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM,
                                    args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def artifacts(request, tmp_path):
    base = os.environ.get('NOVA_CORE_ARTIFACTS')
    path = (pathlib.Path(base) / 'dashboard' if base
            else tmp_path / 'artifacts') / re.sub(r'\W+', '_',
                                                   request.node.name)
    path.mkdir(parents=True, exist_ok=True)
    return path


class Shots:
    """Numbered screenshots of one test's steps."""

    def __init__(self, page, path):
        self.page, self.path, self.count = page, path, 0

    def __call__(self, step):
        self.count += 1
        self.page.screenshot(path=str(self.path / ('%02d-%s.png' % (
            self.count, step))), full_page=True)


@pytest.fixture
def page(browser, artifacts):
    context = browser.new_context(viewport={'width': 1400, 'height': 900})
    page = context.new_page()
    page.set_default_timeout(20000)
    page.shots = Shots(page, artifacts)
    page.script_errors = []
    page.on('pageerror', lambda exc: page.script_errors.append(str(exc)))
    yield page
    context.close()


def sign_in(page, root, user, project=None):
    page.goto(root + '/dashboard/')
    page.fill('input[name=username]', user)
    page.fill('input[name=project]', project or user)
    page.click('button[type=submit]')
    page.wait_for_url('**/dashboard/instances**')
