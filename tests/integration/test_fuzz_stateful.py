"""The whole API under schemathesis with all of its checks, statefully.

``schemathesis run`` (the CLI, as a user of the project would run it)
against a ``nova-core-all`` of the test's own, once as an admin and once as
a member, with:

- a fresh random seed each run, printed; ``NOVA_CORE_FUZZ_SEED=N``
  replays a run;
- ``--checks all`` but for :data:`EXCLUDED` (each with its reason;
  ``NOVA_CORE_FUZZ_EXCLUDE_CHECKS`` names another list, empty for none);
- every operation but the deprecated image proxy (``/v2.1/images``, gone
  at the microversion the fuzz sends), in every phase: examples,
  coverage, fuzzing, and the stateful phase, which follows the OpenAPI
  links of the document (created server -> show,
  action, delete; image -> upload -> download; key pair, server group and
  flavor -> show, delete), see :data:`nova_core.api.openapi.LINKS`;
- a time budget per role, ``NOVA_CORE_FUZZ_STATEFUL_BUDGET`` seconds
  (default 150: both roles take about 5 minutes).

Positive data may be refused with a 400 (the schema cannot say that a
flavor must exist, or that rules need the anti-affinity policy: Nova
answers those with 400), never with another 4xx the document does not
allow. Any failure fails the test, with schemathesis's report (and a
``curl`` line per failure) in the message.
"""
import os
import pathlib
import random
import subprocess
import sys

import pytest

from tests.fixtures.client import Client
from tests.fixtures.fuzz_cloud import fuzz_cloud

REPO = pathlib.Path(__file__).resolve().parents[2]
ROLES = {'admin': 'admin:admin', 'member': 'member1:p1'}
VERSION = 'compute 2.100'
SEED = int(os.environ.get('NOVA_CORE_FUZZ_SEED') or
           random.SystemRandom().randrange(2 ** 31))
BUDGET = int(os.environ.get('NOVA_CORE_FUZZ_STATEFUL_BUDGET', '150'))

#: Checks of ``--checks all`` this suite leaves out, and why.
EXCLUDED = {
    'ignored_auth': 'noauth2 (the embedded default) takes any token as '
                    'user:project by design; only Keystone rejects tokens',
    'unsupported_method': 'known API bug: a 405 has no Allow header (the '
                          'input-validation work fixes it)',
    'allow_header_conformance': 'the same missing Allow header on 405',
    'ensure_resource_availability':
        'replaced by fuzz_hooks.created_resource_still_there: the same '
        'check, confirmed by asking for the created resource itself (a '
        'linked operation may answer 404 about something else, as Nova '
        'does for the access list of a public flavor)',
    'use_after_free':
        'replaced by fuzz_hooks.deleted_resource_gone: the same check, '
        'allowing for an asynchronous delete (a server answers 200 while '
        'its compute host destroys it, as in Nova)',
}

CONFIG = """
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", "400", "401", "403", "404", "409", "429",
                     "5xx"]

# Nova answers a body over its size limit with 413 (overLimit).
[checks.negative_data_rejection]
expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "413",
                     "415", "422", "428", "429", "5xx"]

[phases.stateful]
max-steps = 10

# The document's links only: inferred ones (over a hundred) spread the
# budget too thin for a create to be followed by what the links name.
[phases.stateful.inference]
algorithms = []
"""


def _excluded():
    names = os.environ.get('NOVA_CORE_FUZZ_EXCLUDE_CHECKS')
    if names is None:
        return sorted(EXCLUDED)
    return [n.strip() for n in names.split(',') if n.strip()]


@pytest.fixture
def root(tmp_path):
    state = tmp_path / 'state'
    state.mkdir()
    with fuzz_cloud(state) as url:
        yield url


def _command(root, token, report_dir, config):
    command = [
        sys.executable, '-m', 'schemathesis.cli', '--config-file',
        str(config), '--no-color', 'run', root + '/v2.1/openapi.json',
        '--checks', 'all', '--seed', str(SEED), '--max-time', str(BUDGET),
        '--workers', '1', '--request-timeout', '30', '--exclude-deprecated',
        '-H', 'X-Auth-Token: %s' % token,
        '-H', 'OpenStack-API-Version: %s' % VERSION,
        '--report', 'junit', '--report-dir', str(report_dir)]
    if _excluded():
        command += ['--exclude-checks', ','.join(_excluded())]
    return command


@pytest.mark.parametrize('role', sorted(ROLES))
def test_stateful_fuzz_with_all_checks(root, role, tmp_path):
    config = tmp_path / 'schemathesis.toml'
    config.write_text(CONFIG)
    image = Client(root + '/image/v2', token=ROLES['admin'],
                   version=None).get('/images').json()['images'][0]['id']
    env = dict(os.environ, SCHEMATHESIS_HOOKS='tests.integration.fuzz_hooks',
               NOVA_CORE_FUZZ_IMAGE_ID=image,
               PYTHONPATH=os.pathsep.join(filter(None, [
                   str(REPO), os.environ.get('PYTHONPATH')])))
    print('fuzz seed %d (replay: NOVA_CORE_FUZZ_SEED=%d), budget %ss, as %s'
          % (SEED, SEED, BUDGET, role))
    result = subprocess.run(
        _command(root, ROLES[role], tmp_path / 'report', config), env=env,
        cwd=tmp_path,  # its .schemathesis/ crash cache, not in the tree
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        timeout=BUDGET + 300)
    (tmp_path / 'schemathesis.out').write_text(result.stdout)
    print(result.stdout[-4000:])
    assert result.returncode == 0, (
        'schemathesis found failures as %s (seed %d; replay with '
        'NOVA_CORE_FUZZ_SEED=%d):\n%s' % (role, SEED, SEED,
                                          result.stdout[-20000:]))
