"""Building an instance: choose a host, claim it atomically, hand it over;
and, when the host fails the build, choose again (Nova's build retries).

A build that fails on a compute host for a reason another host may not
have comes back through :func:`reschedule`: the claim on the failed host
is given back, the attempt is recorded in the instance's system metadata
(``build_retry``: ``num_attempts``, the ``hosts`` to exclude and the
``failures`` so far), so that any conductor can carry on, and the build is
scheduled again on a host not tried yet. After ``[scheduler]
max_attempts`` attempts, or when no host is left, the instance goes to
ERROR with a fault that lists the attempts.
"""
import logging

from nova_core import exception, network
from nova_core.compute import task_states, vm_states
from nova_core.db import actions as db_actions
from nova_core.db import fixed_ips as db_fixed_ips
from nova_core.db import images as db_images
from nova_core.db import instances as db_instances
from nova_core.db import services as db_services
from nova_core.db import session as db_session
from nova_core.db.models import utcnow
from nova_core.db.retry import retry_on_db_error
from nova_core.scheduler import group_policy, host_selection

LOG = logging.getLogger(__name__)

EVENT = 'conductor_schedule_and_build_instances'
RESCHEDULE_EVENT = 'conductor_reschedule_build'
RETRY_KEY = 'build_retry'


def schedule_and_build(context, conf, compute_rpcapi, instance, image_meta,
                       request_spec):
    """Place ``instance`` and cast its build to the chosen compute host.

    Instances that cannot be placed go to ERROR with a fault the API shows.
    """
    uuid = instance['uuid']
    started = utcnow()
    spec = dict(request_spec, vcpus=instance['vcpus'],
                memory_mb=instance['memory_mb'],
                disk_gb=instance['root_gb'] + instance['ephemeral_gb'],
                instance_uuid=uuid,
                extra_specs=(instance.get('flavor') or {}).get(
                    'extra_specs') or {},
                retry=retry_of(instance))
    try:
        node = _schedule_or_wait(context, uuid, spec, conf, started,
                                 network.requests_of(instance))
    except exception.InstanceNotFound:
        LOG.info('Instance %s was deleted before it was scheduled', uuid)
        return
    except (exception.NoMoreFixedIps, exception.FixedIpAlreadyInUse) as exc:
        _fail(context, uuid, exc, started, conf.host)
        return
    except exception.NoValidHost as exc:
        _fail(context, uuid, _with_failures(exc, spec['retry']),
              started, conf.host, _details(spec['retry']))
        return
    if node is None:
        return
    instance = dict(instance, host=node['host'],
                    node=node['hypervisor_hostname'])
    compute_rpcapi.build_and_run_instance(context, instance, image_meta)


def _allocate_addresses(conf, uuid, requests):
    """The instance's fixed IPs for its network ``requests``, before its
    host: a build that cannot have them fails with nothing claimed (a
    re-scheduled build keeps the ones it has)."""
    if requests:
        db_fixed_ips.allocate(uuid, requests, network.networks(conf))


def _schedule_or_wait(context, uuid, spec, conf, started, requests=()):
    """:func:`_schedule`, once more if no host fitted only because every
    host missed its heartbeats for a moment (see
    :func:`host_selection.wait_for_heartbeats`); None when the build is
    left in ``scheduling`` for its deadline to schedule again."""
    try:
        return _schedule(context, uuid, spec, conf, started, requests)
    except exception.NoValidHost as exc:
        if not host_selection.no_host_up(exc):
            raise
        again = host_selection.wait_for_heartbeats(conf)
        if again == host_selection.NO_SLOT:
            LOG.warning('Instance %s: every compute host is late with its '
                        'heartbeats and enough builds wait for them; left '
                        'in scheduling for its deadline', uuid)
            return None
        if not again:
            raise
    return _schedule(context, uuid, spec, conf, started, requests)


@retry_on_db_error
def _schedule(context, uuid, spec, conf, started, requests=()):
    """Give the instance its fixed IPs, select and claim a node, all in
    one transaction (tried again whole after a deadlock or a lost
    connection): a build that cannot be placed holds no address, and the
    boot path pays for one transaction, not two."""
    with db_session.transaction():
        _allocate_addresses(conf, uuid, requests)
        # The server group is read and locked in the claim's
        # transaction: its policy holds against concurrent builds.
        spec = group_policy.with_group(spec, lock=True)
        node = claim_first_fitting(uuid, spec, conf)
        # Scheduling takes milliseconds: the event is written whole,
        # with the claim.
        db_actions.event_finish(uuid, context.request_id, EVENT,
                                'Success', start_time=started,
                                host=conf.host)
    return node


def claim_first_fitting(uuid, spec, conf):
    for node in host_selection.select_hosts(spec, conf):
        zone = (node['service'].get('availability_zone') or
                conf.default_availability_zone)
        if db_instances.claim(uuid, node['id'], node['host'],
                              node['hypervisor_hostname'], zone):
            LOG.debug('Instance %s claimed on %s', uuid, node['host'])
            return node
        LOG.info('Node %s filled up meanwhile; trying the next',
                 node['host'])
    raise exception.NoValidHost(reason='There are not enough hosts '
                                       'available.')


def _fail(context, uuid, exc, started, host, details=None):
    LOG.warning('Instance %s: %s', uuid, exc.format_message())
    db_instances.fault_create(uuid, 500, exc.format_message(), details)
    db_fixed_ips.release(uuid)  # a failed build holds no address (Nova)
    try:
        db_instances.update(uuid, {'vm_state': vm_states.ERROR,
                                   'task_state': None})
    except exception.InstanceNotFound:
        return
    db_actions.event_finish(uuid, context.request_id, EVENT, 'Error',
                            details=exc.format_message(), start_time=started,
                            host=host)


# --- build retries ---------------------------------------------------------

def retry_of(instance):
    """The ``build_retry`` record of an instance, or None before any."""
    return (instance.get('system_metadata') or {}).get(RETRY_KEY)


def next_retry(retry, failed_host, reason, exclude=True):
    """The retry record after a failure on ``failed_host``: one attempt
    more, the host excluded from the next ones unless ``exclude`` is
    False (it restarted, which says nothing against it)."""
    retry = dict(retry or {'num_attempts': 1, 'hosts': [], 'failures': []})
    hosts = list(retry['hosts'])
    if exclude and failed_host not in hosts:
        hosts.append(failed_host)
    return {'num_attempts': retry['num_attempts'] + 1, 'hosts': hosts,
            'failures': retry['failures'] + [[failed_host, reason]]}


def _details(retry):
    """The attempts of a build, one line each, for its fault."""
    if not retry:
        return None
    return '\n'.join('Attempt %d on host %s: %s' % (n, host, reason)
                     for n, (host, reason) in enumerate(retry['failures'],
                                                        start=1))


def _with_failures(exc, retry):
    """NoValidHost after a re-schedule also says why the last host
    failed: the user would otherwise learn only that no host was left."""
    if not retry or not retry['failures']:
        return exc
    return exception.NoValidHost(reason='%s Last exception: %s' % (
        exc.kwargs['reason'], retry['failures'][-1][1]))


def _exhausted(conf, instance, retry, reason):
    if conf.scheduler.max_attempts == 1:
        # Re-scheduling is off: the build failed for the reason given.
        return exception.NoValidHost(reason=reason)
    return exception.MaxRetriesExceeded(
        reason='Exceeded max scheduling attempts %d for instance %s. '
               'Last exception: %s' % (conf.scheduler.max_attempts,
                                       instance['uuid'], reason))


def reschedule(context, conf, compute_rpcapi, instance_uuid, failed_host,
               reason, expected_task_states, exclude=True):
    """Take a build back from ``failed_host`` and schedule it again.

    Only while the instance is still building on ``failed_host`` in one of
    ``expected_task_states``: a second report of the same failure, or one
    about a build that moved on, changes nothing (the claim is given back
    once). Returns the instance as re-scheduled, or None.
    """
    started = utcnow()
    try:
        instance, retry = _take_back(context, conf, instance_uuid,
                                     failed_host, reason,
                                     expected_task_states, exclude)
    except exception.InstanceNotFound:
        LOG.info('Instance %s was deleted; nothing to re-schedule',
                 instance_uuid)
        return None
    if instance is None or instance['vm_state'] == vm_states.ERROR:
        return None
    LOG.info('Re-scheduling instance %s (attempt %d of %d) after host %s '
             'failed: %s', instance_uuid, retry['num_attempts'],
             conf.scheduler.max_attempts, failed_host, reason)
    try:
        image_meta = db_images.meta_for_compute(
            db_images.get(instance['image_ref']))
    except exception.ImageNotFound as exc:
        _fail(context, instance_uuid, exc, started, conf.host,
              _details(retry))
        return None
    context = _in_create_action(context, instance_uuid)
    spec = {'availability_zone': _pinned_zone(instance),
            'requested_host': instance['requested_host'],
            'scheduler_hints': (instance['system_metadata'] or {}).get(
                'scheduler_hints') or {}}
    schedule_and_build(context, conf, compute_rpcapi, instance, image_meta,
                       spec)
    return instance


def _in_create_action(context, uuid):
    """``context`` with the request id of the instance's create action,
    so that every attempt's events show under that action."""
    request_id = db_actions.create_request_id(uuid)
    if request_id is None or request_id == context.request_id:
        return context
    return context.from_dict(dict(context.to_dict(), request_id=request_id))


def _pinned_zone(instance):
    return (instance['system_metadata'] or {}).get('pinned_availability_zone')


@retry_on_db_error
def _take_back(context, conf, uuid, failed_host, reason, expected, exclude):
    """Release the claim and record the attempt, or put the instance in
    ERROR when no attempt is left; (instance, retry) or (None, None)."""
    with db_session.transaction():
        instance = db_instances.lock(uuid)
        if (instance['vm_state'] != vm_states.BUILDING or
                instance['host'] != failed_host or
                instance['task_state'] not in expected):
            LOG.info('Not re-scheduling instance %s: it is %s/%s on %s',
                     uuid, instance['vm_state'], instance['task_state'],
                     instance['host'])
            return None, None
        retry = next_retry(retry_of(instance), failed_host, reason, exclude)
        metadata = dict(instance['system_metadata'] or {},
                        **{RETRY_KEY: retry})
        request_id = _in_create_action(context, uuid).request_id
        if retry['num_attempts'] > conf.scheduler.max_attempts:
            exc = _exhausted(conf, instance, retry, reason)
            db_instances.fault_create(uuid, 500, exc.format_message(),
                                      _details(retry), failed_host)
            values = {'vm_state': vm_states.ERROR, 'task_state': None}
            result = 'Error'
            db_fixed_ips.release(uuid)
        else:
            exc = None
            values = {'task_state': task_states.SCHEDULING,
                      'availability_zone': _pinned_zone(instance)}
            result = 'Success'
        instance = db_instances.release_claim(uuid, dict(
            values, system_metadata=metadata))
        db_actions.event_finish(
            uuid, request_id, RESCHEDULE_EVENT, result,
            details='Attempt %d on host %s failed: %s%s' % (
                retry['num_attempts'] - 1, failed_host, reason,
                '; %s' % exc.format_message() if exc else ''),
            host=conf.host)
        return instance, retry


# --- builds on hosts that went down ----------------------------------------

def reschedule_builds_on_down_hosts(context, conf, compute_rpcapi):
    """Schedule again the builds handed to compute hosts whose service is
    down or disabled and that they never started: the message waits in a
    queue nobody reads. Returns how many were re-scheduled."""
    hosts = [s['host'] for s in db_services.get_all(binary='nova-compute')
             if s['disabled'] or not db_services.is_up(
                 s, conf.service_down_time)]
    if not hosts:
        return 0
    stranded = db_instances.get_all({
        'vm_states': [vm_states.BUILDING],
        'task_states': [task_states.SCHEDULING],
        'exact': {'host': hosts}}, sort_keys=('id',), sort_dirs=('asc',))
    moved = 0
    for instance in stranded:
        if reschedule(context, conf, compute_rpcapi, instance['uuid'],
                      instance['host'], 'The compute service of host %s is '
                      'down or disabled.' % instance['host'],
                      (task_states.SCHEDULING,)) is not None:
            moved += 1
    return moved
