"""``/os-instance_usage_audit_log``: the last completed audit period and
which compute hosts ran the audit in it, from ``task_log``."""
import datetime

import pytest

from nova_core import context, host_auth
from nova_core.conductor import rpcapi as conductor_rpcapi
from nova_core.conf import CONF
from nova_core.db import task_log
from tests.fixtures.client import fault

KEYS = {'hosts_not_run', 'log', 'num_hosts', 'num_hosts_done',
        'num_hosts_not_run', 'num_hosts_running', 'overall_status',
        'period_beginning', 'period_ending', 'total_errors',
        'total_instances'}


def test_nothing_run_then_the_host_audited(admin):
    """The audit is off by default: no host ran it. A compute host's
    periodic task asks a conductor (over RPC, signed as that host)."""
    log = admin.get('/os-instance_usage_audit_log').json()[
        'instance_usage_audit_logs']
    assert set(log) == KEYS and log['log'] == {}
    assert log['num_hosts'] == log['num_hosts_not_run'] == 1
    assert log['hosts_not_run'] == [CONF.host]
    assert log['overall_status'] == '0 of 1 hosts done. 0 errors.'
    conductor = conductor_rpcapi.ConductorAPI(
        CONF, signer=host_auth.Signer.for_compute(CONF))
    ctxt = context.get_admin_context()
    assert conductor.instance_usage_audit(ctxt, CONF.host) == 0
    assert conductor.instance_usage_audit(ctxt, CONF.host) is None
    log = admin.get('/os-instance_usage_audit_log').json()[
        'instance_usage_audit_logs']
    assert log['overall_status'] == 'ALL hosts done. 0 errors.'
    assert log['log'][CONF.host]['state'] == 'DONE'
    assert log['hosts_not_run'] == [] and log['num_hosts_done'] == 1


def test_show_reports_the_runs(admin):
    resp = admin.get('/os-instance_usage_audit_log/2020-03-15 10:00:00')
    log = resp.json()['instance_usage_audit_log']
    assert (log['period_beginning'], log['period_ending']) == (
        '2020-02-01 00:00:00', '2020-03-01 00:00:00')
    host = log['hosts_not_run'][0]
    begin = datetime.datetime(2020, 2, 1)
    end = datetime.datetime(2020, 3, 1)
    assert task_log.begin_task('instance_usage_audit', begin, end, host, 3,
                               'started')
    running = admin.get('/os-instance_usage_audit_log/'
                        '2020-03-15 10:00:00.5').json()[
        'instance_usage_audit_log']
    assert running['num_hosts_running'] == 1
    assert running['log'][host] == {'state': 'RUNNING', 'instances': 3,
                                    'errors': 0, 'message': 'started'}
    task_log.end_task('instance_usage_audit', begin, end, host, 1, 'done')
    done = admin.get('/os-instance_usage_audit_log/2020-03-02 00:00:00'
                     ).json()['instance_usage_audit_log']
    assert done['num_hosts_done'] == 1 and done['total_errors'] == 1
    assert done['total_instances'] == 3


@pytest.mark.parametrize('before', ['invalid_time', '2020-13-01 00:00:00',
                                    '0001-01-01 00:00:00'])
def test_bad_timestamp(admin, before):
    resp = admin.get('/os-instance_usage_audit_log/%s' % before)
    assert fault(resp) == ('badRequest', 400,
                           'Invalid timestamp for date %s' % before)


def test_admin_only(api):
    for path in ('', '/2020-03-02 00:00:00'):
        resp = api.get('/os-instance_usage_audit_log' + path)
        assert resp.status_code == 403, resp.text
