"""The compute service's periodic instance usage audit: only with
``[DEFAULT] instance_usage_audit``, asking a conductor for its own host."""
from unittest import mock

from nova_core import context
from nova_core.compute import reports
from nova_core.compute import service as compute_service
from nova_core.conductor import rpcapi as conductor_rpcapi
from nova_core.conf import CONF


def test_audit_task_only_when_enabled(conf):
    conf.config(running_deleted_instance_poll_interval=0)
    conductor = mock.create_autospec(conductor_rpcapi.ConductorAPI,
                                     instance=True)
    manager = mock.NonCallableMock(
        host='h1', conductor=reports.ReliableConductor(conductor, CONF))
    ctxt = context.get_admin_context()
    without = compute_service._periodic_tasks(CONF, manager, ctxt)
    conf.config(instance_usage_audit=True)
    tasks = compute_service._periodic_tasks(CONF, manager, ctxt)
    assert len(tasks) == len(without) + 1
    spacing, audit = tasks[-1]
    assert spacing == compute_service.AUDIT_SPACING
    audit()
    conductor.instance_usage_audit.assert_called_once_with(ctxt, 'h1')
