"""A broker or database outage is an answer, not a hang (issue 9, item 5).

The cloud runs as production runs it (gunicorn with two API workers, a
conductor and a compute node as processes) on a private RabbitMQ and a
private MariaDB that the test stops and starts again; the machine's own
services are never touched.
"""
import time

import pytest

from tests.integration import cloud as cloudlib

HANDOFF_TIMEOUT = 3  # [api] rpc_handoff_timeout: one retry, about 2 s


@pytest.fixture(scope='module')
def cloud(tmp_path_factory, broker, database):
    workdir = str(tmp_path_factory.mktemp('cloud'))
    cloud = cloudlib.MultiProcessCloud(
        workdir, broker.url, database.url, conductors=1, computes=1,
        api_workers=2, options={'*': {
            'api': {'rpc_handoff_timeout': HANDOFF_TIMEOUT},
            'oslo_messaging_rabbit': {'rabbit_interval_max': 2}}})
    try:
        cloud.start()
        cloud.image_id = cloud.upload_image(b'\0' * 4096, name='outage')
        yield cloud
    except BaseException:
        print(cloud.logs())
        raise
    finally:
        cloud.stop()


def _boot(cloud, name):
    return cloud.request('POST', '/servers', json={'server': {
        'name': name, 'flavorRef': '1', 'imageRef': cloud.image_id,
        'networks': 'none'}})


def _statuses(cloud):
    response = cloud.get('/servers/detail')
    assert response.status_code == 200, response.text
    return {s['name']: s['status'] for s in response.json()['servers']}


def _reconnects(proc):
    return proc.log().count('Reconnected to AMQP server')


def _eventually(fn, timeout=90):
    deadline = time.monotonic() + timeout
    while True:
        result = fn()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(1)


def test_broker_outage_is_503_and_nothing_stays_in_build(cloud, broker):
    first = cloud.boot('before', cloud.image_id)
    cloud.wait_status([first])
    reconnects = {p.name: _reconnects(p)
                  for p in cloud.conductors + cloud.computes}
    broker.stop()
    try:
        started = time.monotonic()
        response = _boot(cloud, 'during')
        elapsed = time.monotonic() - started
        assert response.status_code == 503, response.text
        assert response.json()['serviceUnavailable']['code'] == 503
        assert 'message broker' in (
            response.json()['serviceUnavailable']['message'])
        assert elapsed < HANDOFF_TIMEOUT + 5
        # Reads go on; the refused server is gone, not left in BUILD.
        statuses = _statuses(cloud)
        assert statuses == {'before': 'ACTIVE'}
        limits = cloud.get('/limits').json()['limits']['absolute']
        assert limits['totalInstancesUsed'] == 1
    finally:
        broker.start()
    # Topic queues are durable (nova_core.rpc): the conductor's queue and
    # the casts in it outlive the restart, so a boot accepted before the
    # conductor reconnected waits for it. Every service must reconnect by
    # itself all the same.
    for proc in cloud.conductors + cloud.computes:
        assert _eventually(lambda p=proc: _reconnects(p) > reconnects[p.name]
                           ), '%s did not reconnect' % proc.name
    time.sleep(3)  # a heartbeat ([DEFAULT] report_interval = 2) after it
    cloud.wait_services_up()

    def boots_again():
        response = _boot(cloud, 'after')
        return response.json()['server']['id'] if (
            response.status_code == 202) else None
    server_id = _eventually(boots_again)
    assert server_id, 'no boot accepted after the broker came back'
    cloud.wait_status([server_id], timeout=120)


def test_database_outage_is_503_then_recovers(cloud, database):
    database.stop()
    try:
        for method, path in (('GET', '/servers'), ('GET', '/flavors')):
            response = cloud.request(method, path)
            assert response.status_code == 503, response.text
            fault = response.json()['serviceUnavailable']
            assert 'database' in fault['message']
        assert _boot(cloud, 'no-db').status_code == 503
        health = cloud.session.get(cloud.endpoint.replace('/v2.1', '') +
                                   '/healthcheck', timeout=10)
        assert health.status_code == 200
    finally:
        database.start()
    assert _eventually(lambda: cloud.get('/servers').status_code == 200,
                       timeout=30)
    server_id = cloud.boot('after-db', cloud.image_id)
    cloud.wait_status([server_id], timeout=120)
    assert 'no-db' not in _statuses(cloud)
