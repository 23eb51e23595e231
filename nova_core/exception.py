"""nova-core's errors.

Every error a caller may act on derives from :class:`NovaCoreException`,
which carries a message format and the HTTP status the API answers with::

    NovaCoreException (500)
    ├── Invalid (400)
    │   ├── ValidationError, InvalidMicroversion, InvalidSortKey, ...
    │   ├── NetworkNotFound, FixedIpAlreadyInUse, ... (create's networks)
    ├── NotAuthenticated (401)
    ├── Forbidden (403)
    ├── NotFound (404)
    │   ├── InstanceNotFound, FlavorNotFound, ImageNotFound, ...
    ├── Conflict (409)
    │   ├── InstanceInvalidState, InstanceTaskStateConflict, ...
    ├── ServiceUnavailable (503: broker or database unreachable)
    ├── FeatureNotSupported (501: os-hosts actions no driver here does)
    ├── NoValidHost, NoMoreFixedIps (500, carried to the user as the
    │   instance's fault)
    ├── DriverLoadError, VirtDriverError (500)
    └── DBAccessForbidden (raised inside compute processes)

They cross RPC as themselves: ``nova_core.exception`` is in the
``allowed_remote_exmods`` of every transport (see :mod:`nova_core.rpc`).
"""


class NovaCoreException(Exception):
    """Base error: ``msg_fmt`` is filled with the keyword arguments."""

    msg_fmt = 'An unknown error occurred.'
    code = 500
    safe = False  # whether the message may be shown to API users on 500

    def __init__(self, message=None, **kwargs):
        self.kwargs = kwargs
        if not message:
            try:
                message = self.msg_fmt % kwargs
            except (KeyError, TypeError):
                message = self.msg_fmt
        self.message = str(message)
        super().__init__(self.message)

    def format_message(self):
        return self.message


class Invalid(NovaCoreException):
    msg_fmt = 'Bad request: %(reason)s'
    code = 400


class ValidationError(Invalid):
    msg_fmt = '%(detail)s'


class InvalidMicroversion(Invalid):
    msg_fmt = 'Invalid API version request: %(version)s.'


class MicroversionNotAcceptable(NovaCoreException):
    msg_fmt = ('Version %(version)s is not supported by the API. Minimum is '
               '%(min_version)s and maximum is %(max_version)s.')
    code = 406


class ServiceUnavailable(NovaCoreException):
    """The broker or the database cannot be reached: try again later."""
    msg_fmt = ('The server is currently unavailable: %(reason)s. Please '
               'try again later.')
    code = 503
    safe = True


class NotAuthenticated(NovaCoreException):
    msg_fmt = 'Authentication required.'
    code = 401


class Forbidden(NovaCoreException):
    msg_fmt = 'Policy doesn\'t allow %(action)s to be performed.'
    code = 403


class NotFound(NovaCoreException):
    msg_fmt = 'Resource could not be found.'
    code = 404


class InstanceNotFound(NotFound):
    msg_fmt = 'Instance %(instance_id)s could not be found.'


class FlavorNotFound(NotFound):
    msg_fmt = 'Flavor %(flavor_id)s could not be found.'


class ImageNotFound(NotFound):
    msg_fmt = 'Image %(image_id)s could not be found.'


class ComputeHostNotFound(NotFound):
    msg_fmt = 'Compute host %(host)s could not be found.'


class Conflict(NovaCoreException):
    msg_fmt = 'Conflict: %(reason)s'
    code = 409


class InstanceNotReady(Conflict):
    msg_fmt = 'Instance %(instance_id)s is not ready'


class ConsoleTypeInvalid(Invalid):
    msg_fmt = 'Invalid console type %(console_type)s'


class ConsoleTypeUnavailable(Invalid):
    msg_fmt = 'Unavailable console type %(console_type)s.'


class InvalidToken(Invalid):
    msg_fmt = 'The token \'%(token)s\' is invalid or has expired'


class ConsolePortRangeExhausted(NovaCoreException):
    msg_fmt = ('The console port range %(min_port)d-%(max_port)d is '
               'exhausted.')


class ConsoleNotSupported(NovaCoreException):
    """The driver has no console of this kind (Nova's NotImplementedError,
    answered 501)."""
    msg_fmt = 'The requested functionality is not supported.'
    code = 501
    safe = True


class InstanceIsLocked(Conflict):
    msg_fmt = 'Instance %(instance_uuid)s is locked'


class InstanceInvalidState(Conflict):
    msg_fmt = ('Cannot \'%(action)s\' instance %(instance_uuid)s while it is '
               'in %(attr)s %(state)s')


class InstanceTaskStateConflict(Conflict):
    msg_fmt = ('Instance %(instance_uuid)s is busy: its task_state changed '
               'to %(actual)s while %(action)s expected %(expected)s.')


class ImageNotActive(Invalid):
    msg_fmt = 'Image %(image_id)s is not active.'


class FlavorMemoryTooSmall(Invalid):
    msg_fmt = 'Flavor\'s memory is too small for requested image.'


class FlavorDiskTooSmall(Invalid):
    msg_fmt = 'Flavor\'s disk is too small for requested image.'


class UnsupportedMediaType(Invalid):
    msg_fmt = 'Unsupported Content-Type %(content_type)s: send %(expected)s.'
    code = 415


class ImageTooLarge(NovaCoreException):
    msg_fmt = 'Image exceeds the storage quota: the cap is %(cap)d bytes.'
    code = 413


class NoValidHost(NovaCoreException):
    msg_fmt = 'No valid host was found. %(reason)s'
    safe = True


class MaxRetriesExceeded(NoValidHost):
    msg_fmt = 'Exceeded maximum number of retries. %(reason)s'


class NoMoreFixedIps(NovaCoreException):
    """No free address left on a network: the build fails with this as
    its fault, as NoValidHost's."""
    msg_fmt = 'No fixed IP addresses available for network: %(net)s'
    safe = True


class NetworkNotFound(Invalid):
    """A create names a network that is not configured (400 as Nova's)."""
    msg_fmt = 'Network %(network_id)s could not be found.'


class PortNotFound(Invalid):
    msg_fmt = 'Port id %(port_id)s could not be found.'


class FixedIpNotFoundForNetwork(Invalid):
    msg_fmt = ('Fixed IP address (%(address)s) does not exist in '
               'network (%(network_uuid)s).')


class FixedIpAlreadyInUse(Invalid):
    """400 at create, as Nova's; a build that loses the address to a
    concurrent one fails with it as its fault."""
    msg_fmt = ('Fixed IP address %(address)s is already in use on instance '
               '%(instance_uuid)s.')


class NetworkAmbiguous(Invalid):
    msg_fmt = ('More than one possible network found. Specify network ID(s) '
               'to select which one(s) to connect to.')


class InterfaceAttachFailedNoNetwork(Invalid):
    msg_fmt = ("No specific network was requested and none are available "
               "for project '%(project_id)s'.")


class AttachInterfaceNotSupported(Invalid):
    msg_fmt = ('Attaching interfaces is not supported for instance '
               '%(instance_uuid)s.')


class InterfaceAttachFailed(NovaCoreException):
    """The hypervisor could not plug an attached interface (500, as
    Nova's; its address is given back)."""
    msg_fmt = 'Failed to attach network adapter device to %(instance_uuid)s'
    safe = True


class InterfaceDetachFailed(NovaCoreException):
    msg_fmt = ('Failed to detach network adapter device from '
               '%(instance_uuid)s')
    safe = True


class InvalidFixedIpAndMaxCountRequest(Invalid):
    msg_fmt = 'Failed to launch instances: %(reason)s'


class DriverLoadError(NovaCoreException):
    msg_fmt = ('Compute driver "%(driver)s" could not be loaded: %(reason)s. '
               'Installed drivers: %(installed)s.')


class VirtDriverError(NovaCoreException):
    """A hypervisor operation failed; drivers raise this or a subclass."""
    msg_fmt = 'Hypervisor error: %(reason)s'


class InstanceNotRunning(VirtDriverError):
    msg_fmt = 'Instance %(instance_id)s is not running.'


class InstanceExists(VirtDriverError):
    msg_fmt = 'Instance %(name)s already exists on the hypervisor.'


# --- guest operations: password, crash dump, rescue ----------------------

class InstanceAgentNotEnabled(Conflict):
    """No guest agent to set a password through (Nova's 409)."""
    msg_fmt = 'QEMU guest agent is not enabled'


class InstancePasswordSetFailed(Conflict):
    msg_fmt = ('Failed to set admin password on %(instance)s because '
               '%(reason)s')


class SetAdminPasswdNotImplemented(NovaCoreException):
    """The driver, or the guest's agent, cannot set a password at all
    (Nova's NotImplementedError, answered 501 with this message)."""
    msg_fmt = 'Unable to set password on instance'
    code = 501
    safe = True


class TriggerCrashDumpNotSupported(Invalid):
    msg_fmt = 'Triggering crash dump is not supported'


class InstanceNotRescuable(Invalid):
    msg_fmt = 'Instance %(instance_id)s cannot be rescued: %(reason)s'


class DBAccessForbidden(NovaCoreException):
    msg_fmt = ('No database access from a compute process: %(what)s. '
               'Compute nodes reach the database only through the conductor.')


class ServiceNotFound(NotFound):
    msg_fmt = 'Service %(service_id)s could not be found.'


class ConfigInvalid(NovaCoreException):
    msg_fmt = 'Invalid configuration: %(reason)s'


# --- quotas (nova_core/quota.py raises these; the API answers 403) ---------

class OverQuota(Forbidden):
    """A request would take a project past a limit; ``kwargs`` carry
    ``overs`` (resource names), ``quotas`` (limits) and ``usages``."""
    msg_fmt = 'Quota exceeded for resources: %(overs)s'


class TooManyInstances(OverQuota):
    msg_fmt = ('Quota exceeded for %(overs)s: Requested %(req)s, but already '
               'used %(used)s of %(allowed)s %(overs)s')


class MetadataLimitExceeded(OverQuota):
    msg_fmt = 'Maximum number of metadata items exceeds %(allowed)d'


# --- flavors and server groups ---------------------------------------------

class FlavorExists(Conflict):
    msg_fmt = 'Flavor with name %(name)s already exists.'


class FlavorIdExists(Conflict):
    msg_fmt = 'Flavor with ID %(flavor_id)s already exists.'


class FlavorAccessExists(Conflict):
    msg_fmt = ('Flavor access already exists for flavor %(flavor_id)s and '
               'project %(project_id)s combination.')


class FlavorAccessNotFound(NotFound):
    msg_fmt = ('Flavor access not found for %(flavor_id)s / %(project_id)s '
               'combination.')


class FlavorExtraSpecsNotFound(NotFound):
    msg_fmt = ('Flavor %(flavor_id)s has no extra specs with key '
               '%(extra_specs_key)s.')


class InstanceGroupNotFound(NotFound):
    msg_fmt = 'Instance group %(group_uuid)s could not be found.'


# --- image data and the libvirt driver (appended by the libvirt driver) ----

class ImageServiceError(NovaCoreException):
    msg_fmt = 'Image service error for image %(image_id)s: %(reason)s'


class ImageChecksumMismatch(ImageServiceError):
    msg_fmt = ('Image %(image_id)s data is corrupt: checksum %(actual)s, '
               'expected %(expected)s.')


class ImageUnacceptable(Invalid):
    msg_fmt = 'Image %(image_id)s is unacceptable: %(reason)s'


class HypervisorUnavailable(VirtDriverError):
    msg_fmt = 'Hypervisor at %(uri)s is unreachable: %(reason)s'


# --- key pairs, server metadata and tags -------------------------------------

class KeypairNotFound(NotFound):
    msg_fmt = 'Keypair %(name)s not found for user %(user_id)s'


class KeyPairExists(Conflict):
    msg_fmt = 'Key pair \'%(key_name)s\' already exists.'


class InvalidKeypair(Invalid):
    msg_fmt = 'Keypair data is invalid: %(reason)s'


class MarkerNotFound(NotFound):
    msg_fmt = 'Marker %(marker)s could not be found.'


class MetadataItemNotFound(NotFound):
    msg_fmt = 'Metadata item was not found'


class InstanceTagNotFound(NotFound):
    msg_fmt = 'Instance %(instance_id)s has no tag \'%(tag)s\''


# --- rebuild, resize, snapshot ---------------------------------------------

class MigrationNotFound(NotFound):
    msg_fmt = 'Migration %(migration_id)s could not be found.'


class MigrationNotFoundByStatus(MigrationNotFound):
    msg_fmt = ('Migration not found for instance %(instance_id)s with '
               'status %(status)s.')


class MigrationStatusConflict(Conflict):
    msg_fmt = 'Migration %(migration_id)s is %(status)s meanwhile.'


class CannotResizeToSameFlavor(Invalid):
    msg_fmt = 'When resizing, instances must change flavor!'


class CannotResizeDisk(Invalid):
    msg_fmt = 'Server disk was unable to be resized because: %(reason)s'


class ImageExists(Conflict):
    """An image id is taken for good once used, as in Glance: deleted
    images keep their row."""
    msg_fmt = 'Image with identifier %(image_id)s already exists!'


# --- who calls the conductor (see nova_core.host_auth) ---------------------

class HostKeyMissing(NovaCoreException):
    msg_fmt = ('No key to sign or verify conductor calls: %(what)s is not '
               'configured; set %(options)s.')


class ConductorCallRefused(Forbidden):
    """The conductor refused a call; nothing was changed."""
    msg_fmt = ('Conductor refused %(method)s from host %(host)s: '
               '%(reason)s')


class CallerNotVerified(ConductorCallRefused):
    """Unsigned, badly signed, stale or replayed."""


class CallerNotAuthorized(ConductorCallRefused):
    """A verified caller asked for what is not its own to change."""


class HostNotFound(NotFound):
    msg_fmt = 'Host %(host)s could not be found.'


class ComputeServiceUnavailable(Invalid):
    msg_fmt = 'Compute service of %(host)s is unavailable at this time.'


class FeatureNotSupported(NovaCoreException):
    msg_fmt = 'The requested functionality is not supported.'
    code = 501
    safe = True


class CannotMigrateToSameHost(Invalid):
    msg_fmt = 'Cannot migrate to the host where the server exists.'


# --- live migration and evacuation -----------------------------------------

class UnableToMigrateToSelf(Invalid):
    msg_fmt = ('Unable to migrate instance (%(instance_id)s) to current '
               'host (%(host)s).')


class MigrationPreCheckError(Invalid):
    msg_fmt = 'Migration pre-check error: %(reason)s'


class ComputeServiceInUse(Invalid):
    msg_fmt = 'Compute service of %(host)s is still in use.'


class MigrationNotFoundForInstance(NotFound):
    msg_fmt = ('Migration %(migration_id)s not found for instance '
               '%(instance_id)s')


class InvalidMigrationState(Invalid):
    msg_fmt = ('Migration %(migration_id)s state of instance '
               '%(instance_uuid)s is %(state)s. Cannot %(method)s while the '
               'migration is in this state.')
