"""``/os-instance_usage_audit_log``: how far the compute hosts' instance
usage audit got in the last completed audit period (admins), computed as
Nova computes it from ``task_log``.

Every compute service counts, enabled or not (a disabled host can still
have instances); a host with no run recorded is "not run". With the audit
off (``[DEFAULT] instance_usage_audit = False``, the default) no host runs
it, and the answer says so, as Nova's does.
"""
import datetime

import flask

from nova_core import audit_period, exception, policy
from nova_core.api import request, validation
from nova_core.db import services as db_services
from nova_core.db import task_log as db_task_log
from nova_core.db.models import utcnow

bp = flask.Blueprint('instance_usage_audit_log', __name__)

TASK = 'instance_usage_audit'
POLICY = 'os_compute_api:os-instance-usage-audit-log:%s'


def report(begin, end, task_logs, hosts):
    """Nova's summary of the runs ``task_logs`` among compute ``hosts``."""
    seen = {t['host'] for t in task_logs}
    done = {t['host'] for t in task_logs if t['state'] == 'DONE'}
    running = {t['host'] for t in task_logs if t['state'] == 'RUNNING'}
    errors = sum(t['errors'] for t in task_logs)
    missing = sorted(hosts - seen)
    return {
        'period_beginning': str(begin), 'period_ending': str(end),
        'num_hosts': len(hosts), 'num_hosts_done': len(done),
        'num_hosts_running': len(running),
        'num_hosts_not_run': len(missing), 'hosts_not_run': missing,
        'total_instances': sum(t['task_items'] for t in task_logs),
        'total_errors': errors,
        'overall_status': '%s hosts done. %s errors.' % (
            'ALL' if len(done) == len(hosts)
            else '%s of %s' % (len(done), len(hosts)), errors),
        'log': {t['host']: {'state': t['state'],
                            'instances': t['task_items'],
                            'errors': t['errors'], 'message': t['message']}
                for t in task_logs},
    }


def _audit_log(before):
    try:
        begin, end = audit_period.last_completed(
            request.conf().instance_usage_audit_period, before)
    except ValueError:
        return None  # a period before year 1
    hosts = {s['host'] for s in db_services.get_all(binary='nova-compute')}
    return report(begin, end, db_task_log.get_all(TASK, begin, end), hosts)


@bp.get('/os-instance_usage_audit_log')
@validation.schema()
def index():
    policy.authorize(request.context(), POLICY % 'list')
    return flask.jsonify({'instance_usage_audit_logs':
                          _audit_log(utcnow())})


def _before(text):
    """The ``before`` time of ``show``: ``YYYY-MM-DD HH:MM:SS[.ffffff]``.

    :raises: ValidationError (400) in Nova's words.
    """
    fmt = '%Y-%m-%d %H:%M:%S.%f' if '.' in text else '%Y-%m-%d %H:%M:%S'
    try:
        return datetime.datetime.strptime(text, fmt)
    except ValueError:
        raise exception.ValidationError(
            detail='Invalid timestamp for date %s' % text)


@bp.get('/os-instance_usage_audit_log/<before>')
@validation.schema()
def show(before):
    policy.authorize(request.context(), POLICY % 'show')
    log = _audit_log(_before(before))
    if log is None:
        raise exception.ValidationError(
            detail='Invalid timestamp for date %s' % before)
    return flask.jsonify({'instance_usage_audit_log': log})
