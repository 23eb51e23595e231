"""What the conductor's build tests share: compute hosts in the database,
a recording stand-in for compute's rpcapi, and a boot through
:func:`nova_core.conductor.build.schedule_and_build`."""
import uuid as uuid_lib

from nova_core.conductor import build
from nova_core.conf import CONF
from nova_core.db import images, instances, services


class Computes:
    """Records the builds the conductor casts: (uuid, host, image id)."""

    def __init__(self):
        self.built = []

    def build_and_run_instance(self, context, instance, image_meta):
        self.built.append((instance['uuid'], instance['host'],
                           image_meta['id']))


def add_hosts(hosts):
    """Registers a compute service and an 8-CPU, 8 GiB node per host and
    returns a public image to boot."""
    for host in hosts:
        services.register(host, 'nova-compute', 'compute')
        services.node_update(host, {
            'hypervisor_hostname': host, 'hypervisor_type': 'fake',
            'vcpus': 8, 'memory_mb': 8192, 'local_gb': 100})
    return images.create({'id': str(uuid_lib.uuid4()), 'name': 'img',
                          'status': 'active', 'visibility': 'public'})


def boot(ctx, image, computes, system_metadata=None):
    """A 1-CPU, 1 GiB server of project ``p`` through scheduling and the
    build cast; returns its row afterwards."""
    instance = instances.create({
        'display_name': 'vm', 'project_id': 'p', 'user_id': 'u',
        'flavor_id': '1', 'flavor': {}, 'vcpus': 1, 'memory_mb': 1024,
        'root_gb': 1, 'image_ref': image['id'], 'vm_state': 'building',
        'task_state': 'scheduling',
        'system_metadata': system_metadata or {}}, action={
            'action': 'create', 'request_id': ctx.request_id,
            'user_id': 'u', 'project_id': 'p'})
    build.schedule_and_build(ctx, CONF, computes, instance, {'id': 'x'}, {})
    return instances.get(instance['uuid'])
