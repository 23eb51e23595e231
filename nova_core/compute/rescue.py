"""Rescue, password and crash dump on the compute host, as Nova's
``rescue_instance``, ``unrescue_instance``, ``set_admin_password`` and
``trigger_crash_dump``.

Rescue boots the guest from a rescue image with its own disk attached
(RESCUED); unrescue brings the original guest back (ACTIVE). A failure of
either puts the server in ERROR with a fault, as Nova's. A password the
driver cannot set clears ``updating_password`` and the error goes back to
the API, which answers as Nova's (409, or 501 where the driver cannot at
all).
"""
import logging

from nova_core import exception
from nova_core.compute import image_ops, task_states, vm_states

LOG = logging.getLogger(__name__)

GONE = image_ops.GONE


def _run(manager, context, instance, work, expected, vm_state):
    """``work()``, then ``vm_state`` with no task; ERROR on failure."""
    try:
        work()
    except Exception as exc:
        manager._fail_action(context, instance, exc,
                             vm_state=vm_states.ERROR,
                             expected_task_state=expected)
        raise
    try:
        manager._update(context, instance, vm_state=vm_state,
                        task_state=None,
                        power_state=manager.driver.instance_power_state(
                            instance),
                        expected_task_state=expected)
    except GONE as exc:
        LOG.info('Instance %s changed meanwhile: %s', instance['uuid'], exc)


def rescue(manager, context, instance, rescue_image_meta, rescue_password):
    _run(manager, context, instance,
         lambda: manager.driver.rescue(context, instance, rescue_image_meta,
                                       admin_password=rescue_password),
         task_states.RESCUING, vm_states.RESCUED)


def unrescue(manager, context, instance):
    _run(manager, context, instance,
         lambda: manager.driver.unrescue(context, instance),
         task_states.UNRESCUING, vm_states.ACTIVE)


def set_admin_password(manager, context, instance, new_pass):
    """Set the guest's password; whatever happens, ``updating_password``
    is cleared, and the driver's error is raised to the API."""
    try:
        manager.driver.set_admin_password(instance, new_pass)
    except (exception.InstanceAgentNotEnabled,
            exception.InstancePasswordSetFailed,
            exception.SetAdminPasswdNotImplemented):
        _clear(manager, context, instance)
        raise
    except Exception as exc:
        _clear(manager, context, instance)
        reason = (exc.format_message() if isinstance(
            exc, exception.NovaCoreException) else str(exc))
        raise exception.InstancePasswordSetFailed(
            instance=instance['uuid'], reason=reason) from exc
    _clear(manager, context, instance)


def _clear(manager, context, instance):
    try:
        manager._update(context, instance, task_state=None,
                        expected_task_state=task_states.UPDATING_PASSWORD)
    except GONE as exc:
        LOG.info('Instance %s changed meanwhile: %s', instance['uuid'], exc)


def trigger_crash_dump(manager, context, instance):
    """An NMI to the guest; its failure is the action event's error."""
    manager.driver.trigger_crash_dump(instance)
