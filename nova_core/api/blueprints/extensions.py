"""``GET /extensions`` and ``GET /extensions/{alias}``.

Extensions ended with microversions; Nova answers these two routes from a
fixed list so that clients of the v2.0 era (and Tempest) still find the
aliases they look for. nova-core does the same with the extensions whose
behaviour it serves, named as Nova names them.
"""
import flask

from nova_core import exception, policy
from nova_core.api import request, validation
from nova_core.policies import extensions as extensions_policies

bp = flask.Blueprint('extensions', __name__)

#: As Nova: every entry has this namespace and date, and no links.
_NAMESPACE = 'http://docs.openstack.org/compute/ext/fake_xml'
_UPDATED = '2014-12-03T00:00:00Z'

#: (alias, name, description)
_EXTENSIONS = (
    ('NMN', 'Multinic', 'Multiple network support.'),
    ('OS-DCF', 'DiskConfig', 'Disk Management Extension.'),
    ('OS-EXT-AZ', 'ExtendedAvailabilityZone',
     'Extended Availability Zone support.'),
    ('OS-EXT-IMG-SIZE', 'ImageSize', 'Adds image size to image listings.'),
    ('OS-EXT-IPS', 'ExtendedIps', 'Adds type parameter to the ip list.'),
    ('OS-EXT-IPS-MAC', 'ExtendedIpsMac', 'Adds mac address parameter to '
     'the ip list.'),
    ('OS-EXT-SRV-ATTR', 'ExtendedServerAttributes',
     'Extended Server Attributes support.'),
    ('OS-EXT-STS', 'ExtendedStatus', 'Extended Status support.'),
    ('OS-FLV-DISABLED', 'FlavorDisabled', 'Support to show the disabled '
     'status of a flavor.'),
    ('OS-FLV-EXT-DATA', 'FlavorExtraData', 'Provide additional data for '
     'flavors.'),
    ('OS-SCH-HNT', 'SchedulerHints', 'Pass arbitrary key/value pairs to '
     'the scheduler.'),
    ('OS-SRV-USG', 'ServerUsage', 'Adds launched_at and terminated_at on '
     'Servers.'),
    ('os-admin-actions', 'AdminActions', 'Enable admin-only server '
     'actions.'),
    ('os-attach-interfaces', 'AttachInterfaces', 'Attach interface '
     'support.'),
    ('os-availability-zone', 'AvailabilityZone', '1. Add availability_zone '
     'to the Create Server API.'),
    ('os-consoles', 'Consoles', 'Interactive Console support.'),
    ('os-console-output', 'ConsoleOutput', 'Console log output support.'),
    ('os-create-backup', 'CreateBackup', 'Create a backup of a server.'),
    ('os-deferred-delete', 'DeferredDelete', 'Instance deferred delete.'),
    ('os-extended-quotas', 'ExtendedQuotas', 'Adds ability for admins to '
     'delete quota and optionally force the update Quota command.'),
    ('os-flavor-access', 'FlavorAccess', 'Flavor access support.'),
    ('os-flavor-extra-specs', 'FlavorExtraSpecs', 'Flavors extra specs '
     'support.'),
    ('os-flavor-manage', 'FlavorManage', 'Flavor create/delete API '
     'support.'),
    ('os-flavor-rxtx', 'FlavorRxtx', 'Support to show the rxtx status of '
     'a flavor.'),
    ('os-flavor-swap', 'FlavorSwap', 'Support to show the swap status of a '
     'flavor.'),
    ('os-hosts', 'Hosts', 'Admin-only host administration.'),
    ('os-hypervisors', 'Hypervisors', 'Admin-only hypervisor '
     'administration.'),
    ('os-instance-actions', 'InstanceActions', 'View a log of actions and '
     'events taken on an instance.'),
    ('os-keypairs', 'Keypairs', 'Keypair Support.'),
    ('os-lock-server', 'LockServer', 'Enable lock/unlock server actions.'),
    ('os-migrate-server', 'MigrateServer', 'Enable migrate and '
     'live-migrate server actions.'),
    ('os-pause-server', 'PauseServer', 'Enable pause/unpause server '
     'actions.'),
    ('os-quota-class-sets', 'QuotaClasses', 'Quota classes management '
     'support.'),
    ('os-quota-sets', 'Quotas', 'Quotas management support.'),
    ('os-rescue', 'Rescue', 'Instance rescue mode.'),
    ('os-server-external-events', 'ServerExternalEvents',
     'Server External Event Triggers.'),
    ('os-server-groups', 'ServerGroups', 'Server group support.'),
    ('os-server-list-multi-status', 'ServerListMultiStatus', 'Allow to '
     'filter the servers by a set of status values.'),
    ('os-server-sort-keys', 'ServerSortKeys', 'Add sorting support in get '
     'Server v2 API.'),
    ('os-server-start-stop', 'ServerStartStop', 'Start/Stop instance '
     'compute API support.'),
    ('os-services', 'Services', 'Services support.'),
    ('os-shelve', 'Shelve', 'Instance shelve mode.'),
    ('os-suspend-server', 'SuspendServer', 'Enable suspend/resume server '
     'actions.'),
    ('os-used-limits', 'UsedLimits', 'Provide data on limited resources '
     'that are being used.'),
    ('os-user-data', 'UserData', 'Add user_data to the Create Server '
     'API.'),
    ('os-user-quotas', 'UserQuotas', 'Project user quota support.'),
)


def _translate(alias, name, description):
    return {'alias': alias, 'description': description, 'links': [],
            'name': name, 'namespace': _NAMESPACE, 'updated': _UPDATED}


@bp.get('/extensions')
@validation.schema()
def index():
    policy.authorize(request.context(), extensions_policies.BASE_POLICY_NAME,
                     {})
    return flask.jsonify({'extensions': [_translate(*entry)
                                         for entry in _EXTENSIONS]})


@bp.get('/extensions/<alias>')
@validation.schema()
def show(alias):
    policy.authorize(request.context(), extensions_policies.BASE_POLICY_NAME,
                     {})
    for entry in _EXTENSIONS:
        if entry[0] == alias:
            return flask.jsonify({'extension': _translate(*entry)})
    raise exception.NotFound('Extension %s could not be found.' % alias)
