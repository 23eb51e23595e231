"""What the API does with servers, between validation and the other services.

Views call this; it checks what a request means against the database
(flavor, image, zone, state), records the change, then casts the work to a
conductor (builds) or to the instance's compute host (everything else).
"""
import logging
import re
import secrets
import time
import uuid as uuid_lib

import flask
import oslo_messaging as messaging
import sqlalchemy.exc as sa_exc

from nova_core import exception, network, policy, quota, rpc, utils
from nova_core.api import image_registry, server_group_hints
from nova_core.api.schemas import types
from nova_core.compute import rpcapi as compute_rpcapi
from nova_core.conductor import rpcapi as conductor_rpcapi
from nova_core.db import actions as db_actions
from nova_core.db import fixed_ips as db_fixed_ips
from nova_core.db import flavors as db_flavors
from nova_core.db import images as db_images
from nova_core.db import instances as db_instances
from nova_core.db import keypairs as db_keypairs
from nova_core.db import services as db_services
from nova_core.states import power_state, task_states, vm_states

LOG = logging.getLogger(__name__)


class ServersAPI:

    def __init__(self, conf):
        self.conf = conf
        # A request may wait about [api] rpc_handoff_timeout for the broker,
        # never forever: an outage must be an answer (503), not a hang.
        retry = rpc.handoff_retries(conf, conf.api.rpc_handoff_timeout)
        self.conductor = conductor_rpcapi.ConductorAPI(conf, retry=retry)
        self.compute = compute_rpcapi.ComputeAPI(conf, retry=retry)

    # --- reading -----------------------------------------------------------

    def get(self, context, server_id, read_deleted='no'):
        """The server, if the caller may see it.

        :raises: InstanceNotFound, also for other projects' servers.
        """
        project = None if context.is_admin else context.project_id
        return db_instances.get(server_id, read_deleted=read_deleted,
                                project_id=project)

    # --- creating ----------------------------------------------------------

    def create(self, context, server, hints, version):
        """Record the instances a create asks for and cast their build.

        :returns: (instances, admin_password, reservation_id)
        :raises: ValidationError/Invalid (400) for references that do not
            resolve, Forbidden for admin-only placement by non-admins.
        """
        flavor = self._flavor(context, server['flavorRef'])
        image_ref = boot_image_ref(server)
        image = self._image(context, image_ref, flavor)
        zone, host = self._placement(context, server, version)
        self._refuse_unsupported(server)
        key = db_keypairs.for_instance(context.user_id, server.get('key_name'))
        min_count = int(server.get('min_count', 1))
        max_count = int(server.get('max_count', min_count))
        if max(min_count, max_count) > self.conf.api.max_servers_per_request:
            raise exception.ValidationError(
                detail='A request may create at most %d servers '
                       '([api] max_servers_per_request).'
                       % self.conf.api.max_servers_per_request)
        if min_count > max_count:
            raise exception.ValidationError(
                detail='min_count must be <= max_count')
        requests = self._network_requests(server, max_count)
        max_count = quota.check_create(context, flavor, server.get(
            'metadata'), min_count, max_count)
        group = server_group_hints.requested_group(context, hints, max_count)
        reservation_id = 'r-' + secrets.token_hex(4)
        base = self._instance_values(context, server, flavor, image, zone,
                                     host, reservation_id)
        base.update(key)
        # What the request asked of the scheduler, shown from 2.96/2.100.
        base['system_metadata'] = dict(
            base['system_metadata'], pinned_availability_zone=zone,
            **{network.REQUESTS_KEY: requests},
            scheduler_hints={k: v if isinstance(v, list) else [v]
                             for k, v in (hints or {}).items()})
        values = []
        for index in range(max_count):
            item = dict(base, uuid=str(uuid_lib.uuid4()), launch_index=index)
            if max_count > 1:
                item['hostname'] = '%s-%d' % (base['hostname'], index + 1)
            values.append(item)
        # The servers join their group in the transaction that records
        # them, so the scheduler finds the group from their membership.
        instances = db_instances.create(values, action={
            'action': 'create', 'request_id': context.request_id,
            'user_id': context.user_id, 'project_id': context.project_id},
            group_uuid=group['uuid'] if group else None)
        spec = {'availability_zone': zone, 'requested_host': host,
                'scheduler_hints': hints or {}}
        try:
            quota.recheck_create(context, flavor, instances)
            self._hand_off_build(context, instances, image_meta(image), spec)
        except Exception:
            # The caller gets an error: no server of it may stay behind.
            _forget(instances)
            raise
        admin_password = server.get('adminPass') or secrets.token_urlsafe(9)
        return instances, admin_password, reservation_id

    def _hand_off_build(self, context, instances, meta, spec):
        """Cast the build, or raise ServiceUnavailable when the broker cannot
        be reached in time (the caller then deletes ``instances`` again,
        which gives their quota back: no failed request leaves a server in
        BUILD)."""
        try:
            self.conductor.build_instances(context, instances, meta, spec)
        except messaging.MessageDeliveryFailure as exc:
            LOG.error('Build of %s not handed to a conductor: %s',
                      [i['uuid'] for i in instances], exc)
            raise exception.ServiceUnavailable(
                reason='the message broker cannot be reached')

    def _flavor(self, context, flavor_ref):
        try:
            return db_flavors.get(flavor_ref, None if context.is_admin
                                  else context.project_id)
        except exception.FlavorNotFound:
            raise exception.ValidationError(
                detail='Flavor %s could not be found.' % flavor_ref)

    def _image(self, context, image_ref, flavor):
        if not image_ref:
            raise exception.ValidationError(
                detail='Missing imageRef attribute: nova-core boots servers '
                       'from images only.')
        try:
            image = db_images.get(image_ref, None if context.is_admin
                                  else context.project_id)
        except exception.ImageNotFound:
            raise exception.ValidationError(
                detail='Can not find requested image')
        check_image_fits(image, flavor)
        return image

    def _placement(self, context, server, version):
        """(availability zone, requested host) of a create request."""
        zone = server.get('availability_zone')
        host = server.get('host')
        if zone and ':' in zone:
            zone, _, rest = zone.partition(':')
            host = rest.split(':')[0] or None
        if host or server.get('hypervisor_hostname'):
            policy.authorize(context,
                             'os_compute_api:servers:create:forced_host')
        if not (zone or host):
            return None, None
        computes = db_services.get_all(binary='nova-compute')
        zones = {s['availability_zone'] or
                 self.conf.default_availability_zone for s in computes}
        if zone and zone not in zones:
            raise exception.ValidationError(
                detail='The requested availability zone is not available')
        if host and host not in {s['host'] for s in computes}:
            raise exception.ValidationError(
                detail='Compute host %s could not be found.' % host)
        return zone or None, host

    @staticmethod
    def _refuse_unsupported(server):
        if server.get('personality'):
            raise exception.ValidationError(
                detail='Personality files are not supported; use user_data '
                       'or config drive instead.')
        for group in server.get('security_groups') or []:
            if group.get('name') != 'default':
                raise exception.ValidationError(
                    detail='Security group %s not found.' % group.get('name'))

    def _network_requests(self, server, max_count):
        """What the create's ``networks`` asks, checked as Nova checks
        it (an address taken is refused here; one taken between now and
        the build fails the build)."""
        requests = network.requests_for_create(
            self.conf, server.get('networks'), max_count)
        for request in requests:
            if request['fixed_ip']:
                holder = db_fixed_ips.holder(request['network'],
                                             request['fixed_ip'])
                if holder is not None:
                    raise exception.FixedIpAlreadyInUse(
                        address=request['fixed_ip'], instance_uuid=holder)
        return requests

    def _instance_values(self, context, server, flavor, image, zone, host,
                         reservation_id):
        system_metadata = image_system_metadata(image)
        return {
            'display_name': server['name'],
            'display_description': server.get('description'),
            'hostname': server.get('hostname') or sanitize_hostname(
                server['name']),
            'project_id': context.project_id,
            'user_id': context.user_id,
            'image_ref': image['id'],
            'flavor_id': flavor['flavorid'],
            'flavor': {k: flavor[k] for k in (
                'flavorid', 'name', 'vcpus', 'memory_mb', 'root_gb',
                'ephemeral_gb', 'swap', 'rxtx_factor', 'extra_specs')},
            'vcpus': flavor['vcpus'], 'memory_mb': flavor['memory_mb'],
            'root_gb': flavor['root_gb'],
            'ephemeral_gb': flavor['ephemeral_gb'], 'swap': flavor['swap'],
            'availability_zone': zone, 'requested_host': host,
            'vm_state': vm_states.BUILDING,
            'task_state': task_states.SCHEDULING,
            'power_state': power_state.NOSTATE,
            'user_data': server.get('user_data'),
            'meta': server.get('metadata') or {},
            'system_metadata': system_metadata,
            'tags': list(dict.fromkeys(server.get('tags') or [])),
            'config_drive': ('True' if types.as_bool(
                server.get('config_drive', False)) else ''),
            'access_ip_v4': server.get('accessIPv4'),
            'access_ip_v6': utils.compressed_ipv6(server.get('accessIPv6')),
            'reservation_id': reservation_id,
        }

    # --- changing ----------------------------------------------------------

    def update(self, context, instance, server):
        values = {}
        for field, column in (('name', 'display_name'),
                              ('description', 'display_description'),
                              ('accessIPv4', 'access_ip_v4'),
                              ('accessIPv6', 'access_ip_v6'),
                              ('hostname', 'hostname')):
            if field in server:
                values[column] = server[field]
        if values.get('access_ip_v6'):
            values['access_ip_v6'] = utils.compressed_ipv6(
                values['access_ip_v6'])
        if not values:
            return instance
        return db_instances.update(instance['uuid'], values)

    def delete(self, context, instance):
        """Delete a server: locally if no host holds it, else on its host."""
        if instance['task_state'] == task_states.DELETING:
            return  # already on its way out; Nova answers 204 too
        self._record(context, instance, 'delete')
        _delete_shelve_image(instance)
        if instance['host'] is None or not self.host_up(instance['host']):
            db_instances.destroy(instance['uuid'])
            return
        try:
            instance = db_instances.update(
                instance['uuid'], {'task_state': task_states.DELETING})
        except exception.InstanceNotFound:
            return
        if instance['host'] is None:  # its build failed meanwhile
            db_instances.destroy(instance['uuid'])
            return
        self.compute.terminate_instance(context, instance)

    def host_up(self, host):
        """Whether the compute service of ``host`` is up."""
        services = db_services.get_all(binary='nova-compute', host=host)
        return bool(services) and db_services.is_up(
            services[0], self.conf.service_down_time)

    def _record(self, context, instance, action):
        db_actions.start(instance['uuid'], action, context.request_id,
                         context.user_id, context.project_id)

    def run_action(self, context, instance, action, vm_state_from,
                   task_state_from, task_state, cast, values=None):
        """Move the instance into ``task_state`` if its states allow
        ``action``, record the action, and send it to the host.
        ``values``: other columns changed in the same UPDATE (rebuild).

        The state check and the change are one conditional UPDATE, so of
        two conflicting requests exactly one proceeds.

        :raises: InstanceInvalidState (409) naming the state in the way.
        """
        check_state(instance, action, vm_state_from, task_state_from)
        if instance['host'] is None:
            raise exception.InstanceInvalidState(
                action=action, instance_uuid=instance['uuid'],
                attr='vm_state', state=instance['vm_state'])
        try:
            instance = db_instances.update(
                instance['uuid'], dict(values or {}, task_state=task_state),
                expected_task_state=tuple(task_state_from),
                expected_vm_state=tuple(vm_state_from))
        except exception.InstanceTaskStateConflict:
            latest = db_instances.get(instance['uuid'])
            check_state(latest, action, vm_state_from, task_state_from)
            raise
        self._record(context, instance, action)
        cast(context, instance)
        return instance


#: Seconds a refused create keeps trying to delete what it recorded while
#: the database is away (a restart takes seconds).
FORGET_TIMEOUT = 60


def _forget(instances, timeout=FORGET_TIMEOUT, sleep=None, clock=None):
    """Delete the instances of a create that answers an error.

    The error is often the database going away (a 503), and then deleting
    fails too: left alone, such a server (never cast to a conductor)
    would be scheduled by its deadline and run behind a refused request.
    So each delete is tried again until the database answers, for up to
    ``timeout`` seconds.
    """
    sleep, clock = sleep or time.sleep, clock or time.monotonic
    deadline = clock() + timeout
    for instance in instances:
        while True:
            try:
                db_instances.destroy(instance['uuid'])
                break
            except exception.InstanceNotFound:
                break
            except (sa_exc.OperationalError, sa_exc.InterfaceError,
                    sa_exc.TimeoutError) as exc:
                if clock() > deadline:
                    LOG.error('Could not delete instance %s of a refused '
                              'create: %s', instance['uuid'], exc)
                    raise
                LOG.warning('Deleting instance %s of a refused create: the '
                            'database is away (%s); trying again',
                            instance['uuid'], exc)
                sleep(1)


def boot_image_ref(server):
    """The image a server boots from, from imageRef or its block devices.

    The one block device mapping nova-core can honour is the one clients
    send for an image boot: the image copied to a local disk at boot index
    0. Anything needing a volume is refused with 400.
    """
    image_ref = server.get('imageRef') or None
    if server.get('block_device_mapping'):
        raise exception.ValidationError(
            detail='Legacy block device mappings name volumes; nova-core has '
                   'no volume service.')
    for bdm in server.get('block_device_mapping_v2') or []:
        local_image = (bdm.get('source_type') == 'image' and
                       bdm.get('destination_type', 'local') == 'local' and
                       str(bdm.get('boot_index')) == '0')
        if not local_image:
            raise exception.ValidationError(
                detail='Block device mapping %s needs a volume service, '
                       'which nova-core does not have; only booting an '
                       'image to local disk (source_type image, '
                       'destination_type local, boot_index 0) is '
                       'supported.' % {k: bdm[k] for k in (
                           'source_type', 'destination_type', 'boot_index')
                           if k in bdm})
        bdm_image = bdm.get('uuid') or bdm.get('image_id')
        if image_ref and bdm_image and bdm_image != image_ref:
            raise exception.ValidationError(
                detail='imageRef %s and the boot block device image %s '
                       'differ.' % (image_ref, bdm_image))
        image_ref = image_ref or bdm_image
    return image_ref


def _delete_shelve_image(instance):
    """As Nova: deleting a shelved server deletes its shelve image."""
    if instance['vm_state'] not in (vm_states.SHELVED,
                                    vm_states.SHELVED_OFFLOADED):
        return
    image_id = (instance['system_metadata'] or {}).get('shelved_image_id')
    try:
        image = db_images.get(image_id)
    except exception.ImageNotFound:
        return
    image_registry.delete(
        flask.current_app.extensions['nova_core']['image_store'], None,
        image)


def check_state(instance, action, vm_state_from, task_state_from):
    """:raises: InstanceInvalidState as Nova words it."""
    if instance['vm_state'] not in vm_state_from:
        raise exception.InstanceInvalidState(
            action=action, instance_uuid=instance['uuid'], attr='vm_state',
            state=instance['vm_state'])
    if instance['task_state'] not in task_state_from:
        raise exception.InstanceInvalidState(
            action=action, instance_uuid=instance['uuid'], attr='task_state',
            state=instance['task_state'])


def check_image_fits(image, flavor):
    """An image can boot with ``flavor`` only once active and within its
    ``min_ram``/``min_disk`` (a root disk of 0 takes the image's size).

    :raises: ImageNotActive, FlavorMemoryTooSmall, FlavorDiskTooSmall.
    """
    if image['status'] != 'active':
        raise exception.ImageNotActive(image_id=image['id'])
    if flavor['memory_mb'] < (image['min_ram'] or 0):
        raise exception.FlavorMemoryTooSmall()
    if flavor['root_gb'] and flavor['root_gb'] < (image['min_disk'] or 0):
        raise exception.FlavorDiskTooSmall()


def image_system_metadata(image):
    """What an instance keeps of its image in its system metadata: the
    image's properties and attributes, as ``image_*`` keys with string
    values, as Nova's system metadata (None left out)."""
    values = dict(image['properties'] or {}, disk_format=image['disk_format'],
                  container_format=image['container_format'],
                  min_ram=image['min_ram'], min_disk=image['min_disk'])
    return {'image_' + k: str(v) for k, v in values.items()
            if v is not None}


def image_meta(image):
    """What compute needs to know of an image (no database row)."""
    return db_images.meta_for_compute(image)


def sanitize_hostname(name):
    """A hostname from a display name, as Nova makes it."""
    hostname = re.sub(r'[ _]', '-', name.lower())
    hostname = re.sub(r'[^\w.-]+', '', hostname, flags=re.ASCII)
    hostname = hostname[:63].strip('-.')
    return hostname or 'server'
