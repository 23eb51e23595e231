"""The libvirt connection, its event loop and the host's resources.

One :class:`Host` per driver. libvirt's default event loop runs in a daemon
thread shared by the whole process; lifecycle events are turned into
:class:`LifecycleEvent` objects and handed to the driver's listener from a
separate dispatch thread, so a slow listener never stalls libvirt. "Stopped"
events are held back a few seconds and dropped if the guest starts again in
the meantime, so a rebooting guest does not look stopped.
"""
import json
import logging
import os
import queue
import threading
import xml.etree.ElementTree as ET

import libvirt

from nova_core import exception
from nova_core.compute import power_state
from nova_core.virt import driver as virt_driver
from nova_core_drivers.libvirt import errors

LOG = logging.getLogger(__name__)

#: libvirt domain states as Nova's power states.
POWER_STATES = {
    libvirt.VIR_DOMAIN_NOSTATE: power_state.NOSTATE,
    libvirt.VIR_DOMAIN_RUNNING: power_state.RUNNING,
    libvirt.VIR_DOMAIN_BLOCKED: power_state.RUNNING,
    libvirt.VIR_DOMAIN_PAUSED: power_state.PAUSED,
    libvirt.VIR_DOMAIN_SHUTDOWN: power_state.SHUTDOWN,
    libvirt.VIR_DOMAIN_SHUTOFF: power_state.SHUTDOWN,
    libvirt.VIR_DOMAIN_CRASHED: power_state.CRASHED,
    libvirt.VIR_DOMAIN_PMSUSPENDED: power_state.SUSPENDED,
}

#: libvirt lifecycle events as the power state they leave the guest in.
EVENT_STATES = {
    libvirt.VIR_DOMAIN_EVENT_STARTED: power_state.RUNNING,
    libvirt.VIR_DOMAIN_EVENT_RESUMED: power_state.RUNNING,
    libvirt.VIR_DOMAIN_EVENT_SUSPENDED: power_state.PAUSED,
    libvirt.VIR_DOMAIN_EVENT_STOPPED: power_state.SHUTDOWN,
    libvirt.VIR_DOMAIN_EVENT_CRASHED: power_state.CRASHED,
    libvirt.VIR_DOMAIN_EVENT_PMSUSPENDED: power_state.SUSPENDED,
}

_event_loop_lock = threading.Lock()
_event_loop_thread = None


def start_event_loop():
    """Register and run libvirt's default event loop, once per process."""
    global _event_loop_thread
    with _event_loop_lock:
        if _event_loop_thread is not None:
            return
        libvirt.registerErrorHandler(lambda ctx, err: None, None)
        libvirt.virEventRegisterDefaultImpl()
        _event_loop_thread = threading.Thread(
            target=_run_event_loop, name='libvirt-events', daemon=True)
        _event_loop_thread.start()


def _run_event_loop():
    while True:
        libvirt.virEventRunDefaultImpl()


def event_power_state(event, detail):
    """The power state a lifecycle event means, None if it means none."""
    if event == libvirt.VIR_DOMAIN_EVENT_STOPPED and \
            detail == libvirt.VIR_DOMAIN_EVENT_STOPPED_SAVED:
        return power_state.SUSPENDED
    return EVENT_STATES.get(event)


class EventDispatcher:
    """Hands lifecycle events to a listener from its own thread."""

    def __init__(self, listener, stopped_delay):
        self.listener = listener
        self.stopped_delay = stopped_delay
        self._queue = queue.Queue()
        self._pending = {}  # uuid -> Timer of a held-back stopped event
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name='libvirt-event-dispatch')
        self._thread.start()

    def put(self, uuid, state):
        with self._lock:
            timer = self._pending.pop(uuid, None)
            if timer is not None:
                timer.cancel()
            if state == power_state.SHUTDOWN and self.stopped_delay:
                timer = threading.Timer(self.stopped_delay, self._release,
                                        (uuid, state))
                timer.daemon = True
                self._pending[uuid] = timer
                timer.start()
                return
        self._queue.put(virt_driver.LifecycleEvent(uuid, state))

    def _release(self, uuid, state):
        with self._lock:
            if self._pending.pop(uuid, None) is None:
                return
        self._queue.put(virt_driver.LifecycleEvent(uuid, state))

    def stop(self):
        with self._lock:
            for timer in self._pending.values():
                timer.cancel()
            self._pending.clear()
        self._queue.put(None)

    def _run(self):
        while (event := self._queue.get()) is not None:
            try:
                self.listener(event)
            except Exception:
                LOG.exception('Lifecycle event listener failed on %s', event)


class Host:
    """A connection to one libvirt daemon."""

    def __init__(self, uri, listener=None, stopped_delay=0):
        self.uri = uri
        self._conn = None
        self._lock = threading.Lock()
        self._dispatcher = (EventDispatcher(listener, stopped_delay)
                            if listener else None)

    # --- connection ---------------------------------------------------------

    def get_connection(self):
        """The open connection, reopened if it was lost.

        :raises: HypervisorUnavailable.
        """
        with self._lock:
            if self._conn is not None and self._alive(self._conn):
                return self._conn
            self._conn = self._open()
            return self._conn

    def _open(self):
        start_event_loop()
        LOG.info('Connecting to libvirt at %s', self.uri)
        try:
            conn = libvirt.open(self.uri)
        except libvirt.libvirtError as exc:
            raise exception.HypervisorUnavailable(
                uri=self.uri, reason=exc.get_error_message()) from exc
        if self._dispatcher is not None:
            with errors.translated('register for events', uri=self.uri):
                conn.domainEventRegisterAny(
                    None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                    self._on_lifecycle, None)
        return conn

    @staticmethod
    def _alive(conn):
        try:
            return conn.isAlive()
        except libvirt.libvirtError:
            return False

    def close(self):
        with self._lock:
            conn, self._conn = self._conn, None
        if self._dispatcher is not None:
            self._dispatcher.stop()
        if conn is not None:
            try:
                conn.close()
            except libvirt.libvirtError:
                LOG.debug('Closing %s failed', self.uri, exc_info=True)

    def _on_lifecycle(self, conn, dom, event, detail, opaque):
        state = event_power_state(event, detail)
        if state is None:
            return
        uuid = dom.UUIDString()
        LOG.debug('libvirt event %s/%s for %s: power state %s', event,
                  detail, uuid, state)
        self._dispatcher.put(uuid, state)

    # --- domains ------------------------------------------------------------

    def lookup(self, instance):
        """The instance's domain (by uuid).

        :raises: InstanceNotFound, HypervisorUnavailable, VirtDriverError.
        """
        conn = self.get_connection()
        with errors.translated('look up domain', instance, self.uri):
            return conn.lookupByUUIDString(instance['uuid'])

    def find(self, instance):
        """The instance's domain, None if there is none."""
        try:
            return self.lookup(instance)
        except exception.InstanceNotFound:
            return None

    def list_domains(self):
        conn = self.get_connection()
        with errors.translated('list domains', uri=self.uri):
            return conn.listAllDomains(0)

    # --- resources ----------------------------------------------------------

    def get_resources(self, instances_path):
        """The host's resources in the shape ``get_available_resource``
        returns."""
        conn = self.get_connection()
        with errors.translated('read host resources', uri=self.uri):
            info = conn.getInfo()
            free_mb = conn.getFreeMemory() // (1024 * 1024)
            vcpus_used = sum(dom.info()[3] for dom in
                             conn.listAllDomains(
                                 libvirt.VIR_CONNECT_LIST_DOMAINS_ACTIVE))
            caps = conn.getCapabilities()
            hv_type, hv_version = conn.getType(), conn.getVersion()
            hostname = conn.getHostname()
        disk = os.statvfs(instances_path)
        gib = 1024 ** 3
        total_gb = disk.f_blocks * disk.f_frsize // gib
        free_gb = disk.f_bavail * disk.f_frsize // gib
        return {
            'vcpus': info[2],
            'memory_mb': info[1],
            'local_gb': total_gb,
            'vcpus_used': vcpus_used,
            'memory_mb_used': max(info[1] - free_mb, 0),
            'local_gb_used': max(total_gb - free_gb, 0),
            'hypervisor_type': hv_type,
            'hypervisor_version': hv_version,
            'hypervisor_hostname': hostname,
            'cpu_info': json.dumps(cpu_info(caps)),
        }


def cpu_info(capabilities_xml):
    """Arch, model, vendor, topology and features from capabilities XML."""
    cpu = ET.fromstring(capabilities_xml).find('./host/cpu')
    if cpu is None:
        return {}
    topology = cpu.find('topology')
    return {
        'arch': cpu.findtext('arch'),
        'model': cpu.findtext('model'),
        'vendor': cpu.findtext('vendor'),
        'topology': dict(topology.attrib) if topology is not None else {},
        'features': sorted(f.get('name') for f in cpu.findall('feature')),
    }
