"""``lock`` and ``unlock``: a locked server refuses changes from
non-admins (the dispatcher's ``check_lock``), as Nova's lock_server.

Who locked is kept as Nova keeps it: ``locked_by`` is ``owner`` when the
server's own project locked it, else ``admin``. The owner may not lift an
admin's lock unless ``...:unlock:unlock_override`` lets it. Each call is
recorded in os-instance-actions (``lock``/``unlock`` with an ``api_*``
event), like Nova's.
"""
from nova_core import policy
from nova_core.api import request
from nova_core.api.actions.base import Action
from nova_core.api.schemas import lock_server as schemas
from nova_core.db import actions as db_actions
from nova_core.db import instances as db_instances
from nova_core.db.models import utcnow
from nova_core.db.session import transaction
from nova_core.policies.lock_server import POLICY_ROOT


def _is_owner(ctx, instance):
    return instance['project_id'] == ctx.project_id


def _change(ctx, instance, action, values):
    """Record ``action`` and apply ``values`` in one transaction."""
    now = utcnow()
    with transaction():
        db_actions.start(instance['uuid'], action, ctx.request_id,
                         ctx.user_id, ctx.project_id)
        db_instances.update(instance['uuid'], values)
        db_actions.event_finish(instance['uuid'], ctx.request_id,
                                'api_' + action, 'Success', start_time=now,
                                host=request.conf().host)


def _lock(ctx, api, instance, body):
    reason = None
    if request.version().matches('2.73') and body['lock'] is not None:
        reason = body['lock'].get('locked_reason')
    owner = _is_owner(ctx, instance)
    if instance['locked'] and owner:
        return  # the owner locking again changes nothing, as in Nova
    values = {'locked': True, 'locked_by': 'owner' if owner else 'admin'}
    if reason:
        values['locked_reason'] = reason
    _change(ctx, instance, 'lock', values)


def is_expected_locked_by(ctx, instance):
    """False when the lock was set by the other kind of caller (an admin's
    lock seen by its owner, or the owner's seen by an admin)."""
    expected = 'owner' if _is_owner(ctx, instance) else 'admin'
    return not instance['locked_by'] or instance['locked_by'] == expected


def _unlock(ctx, api, instance, body):
    if not is_expected_locked_by(ctx, instance):
        policy.authorize(ctx, POLICY_ROOT % 'unlock:unlock_override',
                         {'project_id': instance['project_id']})
    _change(ctx, instance, 'unlock', {'locked': False, 'locked_by': None,
                                      'locked_reason': None})


ACTIONS = {
    'lock': Action(POLICY_ROOT % 'lock', schemas.lock, _lock,
                   checks_lock=False),
    'unlock': Action(POLICY_ROOT % 'unlock', schemas.UNLOCK, _unlock,
                     checks_lock=False),
}
