"""AggregateInstanceExtraSpecsFilter, enabled, with two fake compute
hosts: a flavor's extra specs send its servers to the hosts whose
aggregates' metadata meet them."""
import uuid

import pytest

from nova_core.compute import service as compute_service
from nova_core.conf import CONF
from tests.fixtures.conf import ConfFixture
from tests.fixtures.hosts import HostConf

SECOND = 'compute-agg'
HOST = 'OS-EXT-SRV-ATTR:host'
FILTER = 'AggregateInstanceExtraSpecsFilter'


@pytest.fixture
def two_hosts(cloud, admin):
    """The filter enabled (and packing, so that the cloud's own host would
    be chosen were it not for the filter), a second compute host in an
    aggregate with metadata; all removed at the end."""
    conf = ConfFixture()
    conf.config(group='filter_scheduler', ram_weight_multiplier=-1.0,
                enabled_filters=list(
                    CONF.filter_scheduler.enabled_filters) + [FILTER])
    service = compute_service.create_service(HostConf(CONF, SECOND))
    service.start()
    aggregate = admin.post('/os-aggregates', json={'aggregate': {
        'name': 'agg-%s' % uuid.uuid4().hex[:8]}}).json()['aggregate']
    path = '/os-aggregates/%s/action' % aggregate['id']
    assert admin.post(path, json={'add_host': {'host': SECOND}}
                      ).status_code == 200
    assert admin.post(path, json={'set_metadata': {'metadata': {
        'ssd': 'true', 'cpus': '16', 'tier': 'gold'}}}).status_code == 200
    booted, flavors = [], []
    yield booted, flavors
    for server_id in booted:
        admin.delete('/servers/%s' % server_id)
    for server_id in booted:
        admin.wait_gone(server_id)
    for flavor_id in flavors:
        admin.delete('/flavors/%s' % flavor_id)
    admin.post(path, json={'remove_host': {'host': SECOND}})
    admin.delete('/os-aggregates/%s' % aggregate['id'])
    service.stop()
    (record,) = [s for s in admin.get('/os-services').json()['services']
                 if s['host'] == SECOND]
    assert admin.delete('/os-services/%s' % record['id']).status_code == 204
    conf.cleanup()


def _flavor(admin, flavors, extra_specs):
    flavor = admin.post('/flavors', json={'flavor': {
        'name': 'agg-%s' % uuid.uuid4().hex[:8], 'ram': 64, 'vcpus': 1,
        'disk': 1}}).json()['flavor']
    flavors.append(flavor['id'])
    if extra_specs:
        response = admin.post('/flavors/%s/os-extra_specs' % flavor['id'],
                              json={'extra_specs': extra_specs})
        assert response.status_code == 200, response.text
    return flavor['id']


def _boot(api, admin, image_id, booted, flavor_id, status='ACTIVE'):
    server_id = api.boot('agg', flavor=flavor_id, image=image_id)['id']
    booted.append(server_id)
    api.wait_for(server_id, status)
    return admin.server(server_id)


@pytest.mark.parametrize('extra_specs', [
    {'aggregate_instance_extra_specs:ssd': 'true'},
    {'ssd': 'true'},
    {'aggregate_instance_extra_specs:cpus': '>= 8',
     'aggregate_instance_extra_specs:tier': '<or> silver <or> gold'},
    {'tier': 's== gold', 'hw:cpu_policy': 'shared'},
])
def test_specs_met_only_by_the_second_host(two_hosts, api, admin, image_id,
                                          extra_specs):
    booted, flavors = two_hosts
    flavor_id = _flavor(admin, flavors, extra_specs)
    assert _boot(api, admin, image_id, booted, flavor_id)[HOST] == SECOND


def test_specs_no_host_meets_leave_no_valid_host(two_hosts, api, admin,
                                                 image_id):
    booted, flavors = two_hosts
    flavor_id = _flavor(admin, flavors, {
        'aggregate_instance_extra_specs:cpus': '>= 32'})
    server = _boot(api, admin, image_id, booted, flavor_id, status='ERROR')
    assert 'No valid host' in server['fault']['message']


def test_flavor_without_specs_goes_anywhere(two_hosts, api, admin, image_id):
    booted, flavors = two_hosts
    flavor_id = _flavor(admin, flavors, {})
    # Packing: the cloud's own host, which is in no aggregate.
    assert _boot(api, admin, image_id, booted, flavor_id)[HOST] == CONF.host
