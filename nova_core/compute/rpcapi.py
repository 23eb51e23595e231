"""Client side of the compute RPC API: one compute service per host.

Each message goes to the topic ``compute`` with server ``instance['host']``.
Versions:

* 1.0 - Initial version.
"""
import oslo_messaging as messaging

from nova_core import rpc

RPC_API_VERSION = '1.0'
TOPIC = 'compute'


class ComputeAPI:
    """Calls the compute service of the host an instance lives on."""

    def __init__(self, conf):
        target = messaging.Target(topic=TOPIC, version=RPC_API_VERSION)
        self.client = rpc.get_client(target, version_cap=RPC_API_VERSION)

    def _on(self, instance):
        return self.client.prepare(server=instance['host'])

    def build_and_run_instance(self, ctxt, instance, image_meta,
                               admin_password=None):
        self._on(instance).cast(ctxt, 'build_and_run_instance',
                                instance=instance, image_meta=image_meta,
                                admin_password=admin_password)

    def terminate_instance(self, ctxt, instance):
        self._on(instance).cast(ctxt, 'terminate_instance', instance=instance)

    def reboot_instance(self, ctxt, instance, reboot_type):
        self._on(instance).cast(ctxt, 'reboot_instance', instance=instance,
                                reboot_type=reboot_type)

    def stop_instance(self, ctxt, instance, clean_shutdown=True):
        self._on(instance).cast(ctxt, 'stop_instance', instance=instance,
                                clean_shutdown=clean_shutdown)

    def start_instance(self, ctxt, instance):
        self._on(instance).cast(ctxt, 'start_instance', instance=instance)

    def pause_instance(self, ctxt, instance):
        self._on(instance).cast(ctxt, 'pause_instance', instance=instance)

    def unpause_instance(self, ctxt, instance):
        self._on(instance).cast(ctxt, 'unpause_instance', instance=instance)

    def suspend_instance(self, ctxt, instance):
        self._on(instance).cast(ctxt, 'suspend_instance', instance=instance)

    def resume_instance(self, ctxt, instance):
        self._on(instance).cast(ctxt, 'resume_instance', instance=instance)

    def get_console_output(self, ctxt, instance, tail_length=None):
        return self._on(instance).call(ctxt, 'get_console_output',
                                       instance=instance,
                                       tail_length=tail_length)
