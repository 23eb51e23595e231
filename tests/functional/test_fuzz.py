"""Schema-driven fuzzing of the whole API with schemathesis.

Every operation of the served OpenAPI document gets generated requests
(hundreds for those taking a body): no answer may be a 5xx, and documented
answers must match their schemas. Generation is derandomized, so a run is
reproducible; a time budget keeps the whole fuzz to a couple of minutes.

The requests go, over loopback only, to a cloud of this module's own: a
``nova-core-all`` process on a state directory of its own, since fuzzing
deletes and changes what it finds and the session-wide cloud of the other
functional tests must keep its seeded flavors and images. Path parameters
are often the ids of real resources the fixtures create (a server, an
image, the compute service, its hypervisor), so that handlers run past
their lookups; a DELETE aimed at one of those gets a fresh victim instead.
"""
import collections
import os
import time
import uuid

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.fixtures.client import Client
from tests.fixtures.fuzz_cloud import fuzz_cloud

ADMIN, MEMBER = 'admin:admin', 'demo:demo'
NO_SUCH_ID = '00000000-0000-0000-0000-000000000000'
VERSION = 'compute 2.100'
#: Seconds the fuzz may take in all; past it, operations left are skipped.
BUDGET = float(os.environ.get('NOVA_CORE_FUZZ_BUDGET', '240'))
CHECKS = [not_a_server_error, response_schema_conformance]
_deadline = []
#: Requests sent, by operation ("POST /v2.1/servers").
_sent = collections.Counter()

# Glance's JSON-patch media type is JSON on the wire.
schemathesis.serializer.alias('application/openstack-images-v2.1-json-patch',
                              'application/json')


def _over_budget():
    if not _deadline:
        _deadline.append(time.monotonic() + BUDGET)
    return time.monotonic() > _deadline[0]


@pytest.fixture(scope='module')
def fuzz_root(tmp_path_factory):
    """``http://127.0.0.1:port`` of a nova-core-all of our own."""
    with fuzz_cloud(tmp_path_factory.mktemp('fuzz-state')) as root:
        yield root


class Seeds:
    """Real resources of the fuzz cloud, by path parameter name."""

    def __init__(self, root):
        self.admin = Client(root + '/v2.1', token=ADMIN)
        self.image_client = Client(root + '/image/v2', token=ADMIN,
                                   version=None)
        self.starter_image = self.image_client.get('/images').json()[
            'images'][0]['id']
        server = self.admin.boot('fuzz-seed', image=self.starter_image)
        self.admin.wait_for(server['id'], 'ACTIVE')
        compute = [s for s in self.admin.get('/os-services').json()[
            'services'] if s['binary'] == 'nova-compute'][0]
        actions = self.admin.get('/servers/%s/os-instance-actions'
                                 % server['id']).json()['instanceActions']
        self.values = {
            'server_id': server['id'],
            'image_id': self.image(),
            'service_id': compute['id'],
            'hypervisor_id': self.admin.get('/os-hypervisors').json()[
                'hypervisors'][0]['id'],
            'request_id': actions[0]['request_id'],
            'flavor_id': '1',
        }
        #: What a DELETE of each seeded resource gets instead.
        self.victims = {'server_id': self.server, 'image_id': self.image,
                        'flavor_id': self.flavor,
                        'service_id': lambda: NO_SUCH_ID}

    def _made(self, response, code, key=None):
        """The new resource's id; a victim that could not be made (the
        fuzz may have set quotas to 0) is one that does not exist."""
        if response.status_code != code:
            return NO_SUCH_ID
        body = response.json()
        return (body[key] if key else body)['id']

    def server(self):
        return self._made(self.admin.post('/servers', json={'server': {
            'name': 'fuzz-victim', 'flavorRef': '1',
            'imageRef': self.starter_image, 'networks': 'none'}}), 202,
            'server')

    def flavor(self):
        return self._made(self.admin.post('/flavors', json={'flavor': {
            'name': 'fuzz-victim-%s' % uuid.uuid4(), 'ram': 64, 'vcpus': 1,
            'disk': 1}}), 200, 'flavor')

    def image(self):
        return self._made(self.image_client.post('/images', json={
            'name': 'fuzz-image', 'disk_format': 'raw',
            'container_format': 'bare'}), 201)

    def protect(self, case):
        """Swap a seeded id that a DELETE would destroy for a victim."""
        params = case.path_parameters or {}
        for name, make in self.victims.items():
            if (case.method.upper() == 'DELETE' and
                    case.operation.path.endswith('{%s}' % name) and
                    params.get(name) == self.values[name]):
                params[name] = make()


@pytest.fixture(scope='module')
def seeds(fuzz_root):
    return Seeds(fuzz_root)


@pytest.fixture(scope='module')
def fuzz_schema(fuzz_root, seeds):
    schema = schemathesis.openapi.from_url(fuzz_root + '/v2.1/openapi.json')

    @schema.hook
    def flatmap_path_parameters(context, path_parameters):
        """Half the time, the ids of real resources."""
        real = {k: seeds.values[k] for k in path_parameters or ()
                if k in seeds.values}
        if not real:
            return st.just(path_parameters)
        return st.sampled_from([path_parameters,
                                dict(path_parameters, **real)])

    @schema.hook
    def flatmap_body(context, body):
        """Half the boots name a real image and flavor, to get past
        their lookups into quotas and scheduling."""
        if context.operation.label != 'POST /v2.1/servers' or not (
                isinstance(body, dict) and
                isinstance(body.get('server'), dict)):
            return st.just(body)
        real = dict(body, server=dict(body['server'], flavorRef='1',
                                      imageRef=seeds.starter_image))
        return st.sampled_from([body, real])

    return schema


def _fuzz(case, seeds, token):
    if _over_budget():
        pytest.skip('the fuzz used its time budget (%ss)' % BUDGET)
    seeds.protect(case)
    case.headers = dict(case.headers or {}, **{
        'X-Auth-Token': token, 'OpenStack-API-Version': VERSION})
    _sent[case.operation.label] += 1
    case.call_and_validate(checks=CHECKS, timeout=30)


_SETTINGS = dict(derandomize=True, deadline=None, database=None,
                 suppress_health_check=list(HealthCheck))

schema = schemathesis.pytest.from_fixture('fuzz_schema')
#: NOVA_CORE_FUZZ_PATHS: a regex narrowing the fuzz to some paths.
_PATHS = os.environ.get('NOVA_CORE_FUZZ_PATHS', '.')


@schema.include(method=['POST', 'PUT', 'PATCH'],
                path_regex=_PATHS).parametrize()
@settings(max_examples=100, **_SETTINGS)
def test_fuzz_bodies_as_admin(case, seeds):
    _fuzz(case, seeds, ADMIN)


@schema.include(method=['GET', 'DELETE'], path_regex=_PATHS).parametrize()
@settings(max_examples=30, **_SETTINGS)
def test_fuzz_reads_and_deletes_as_admin(case, seeds):
    _fuzz(case, seeds, ADMIN)


@schema.include(path_regex=_PATHS).parametrize()
@settings(max_examples=8, **_SETTINGS)
def test_fuzz_as_member(case, seeds):
    _fuzz(case, seeds, MEMBER)


def test_fuzz_sent_thousands_of_requests():
    """Runs after the fuzz tests above (pytest keeps file order): the
    fuzz did reach every operation, thousands of requests in all, unless
    NOVA_CORE_FUZZ_PATHS narrowed it."""
    if _PATHS != '.':
        pytest.skip('fuzz narrowed by NOVA_CORE_FUZZ_PATHS')
    total = sum(_sent.values())
    print('fuzz: %d requests over %d operations' % (total, len(_sent)))
    assert total >= 2000, dict(_sent)
    assert len(_sent) >= 70, sorted(_sent)


def test_fuzz_cloud_is_loopback_only(fuzz_root):
    assert fuzz_root.startswith('http://127.0.0.1:')
    response = requests.get(fuzz_root + '/v2.1/openapi.json', timeout=10)
    assert response.status_code == 200
    assert response.json()['servers'] == [{'url': '/'}]
