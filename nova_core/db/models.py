"""SQLAlchemy models of nova-core's database.

Rows that users delete are soft-deleted as Nova does: ``deleted`` holds 0
while the row lives and its own id afterwards, so unique constraints that
include ``deleted`` admit a new row with the same name.
"""
import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):

    def to_dict(self):
        return {c.key: getattr(self, c.key)
                for c in self.__mapper__.column_attrs}

    @classmethod
    def columns(cls):
        """Every table column labelled by its attribute name, for Core
        selects that return plain mappings (no ORM objects: much cheaper)."""
        return [a.columns[0].label(a.key)
                for a in cls.__mapper__.column_attrs]

    @classmethod
    def column_names(cls, values):
        """``values`` keyed by table column instead of attribute name."""
        names = {a.key: a.columns[0].name
                 for a in cls.__mapper__.column_attrs}
        return {names[k]: v for k, v in values.items()}


class TimestampMixin:
    created_at: Mapped[datetime.datetime] = mapped_column(
        DateTime, default=utcnow)
    updated_at: Mapped[datetime.datetime | None] = mapped_column(
        DateTime, onupdate=utcnow)


class SoftDeleteMixin:
    deleted_at: Mapped[datetime.datetime | None] = mapped_column(DateTime)
    deleted: Mapped[int] = mapped_column(Integer, default=0, nullable=False)


class Service(Base, TimestampMixin, SoftDeleteMixin):
    __tablename__ = 'services'
    __table_args__ = (
        UniqueConstraint('host', 'binary', 'deleted',
                         name='uniq_services0host0binary0deleted'),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    host: Mapped[str] = mapped_column(String(255))
    binary: Mapped[str] = mapped_column(String(255))
    topic: Mapped[str | None] = mapped_column(String(255))
    report_count: Mapped[int] = mapped_column(Integer, default=0)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    disabled_reason: Mapped[str | None] = mapped_column(String(255))
    forced_down: Mapped[bool] = mapped_column(Boolean, default=False)
    last_seen_up: Mapped[datetime.datetime | None] = mapped_column(DateTime)
    availability_zone: Mapped[str | None] = mapped_column(String(255))


class ComputeNode(Base, TimestampMixin, SoftDeleteMixin):
    """A hypervisor and what the scheduler has claimed of it.

    ``*_used`` count the claims of the instances placed here (as Placement's
    allocations do), changed only by atomic conditional updates.
    """
    __tablename__ = 'compute_nodes'
    __table_args__ = (
        UniqueConstraint('host', 'hypervisor_hostname', 'deleted',
                         name='uniq_compute_nodes0host0hypervisor_hostname0deleted'),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    service_id: Mapped[int | None] = mapped_column(ForeignKey('services.id'))
    host: Mapped[str] = mapped_column(String(255), index=True)
    hypervisor_hostname: Mapped[str] = mapped_column(String(255))
    hypervisor_type: Mapped[str] = mapped_column(String(255))
    hypervisor_version: Mapped[int] = mapped_column(BigInteger, default=0)
    host_ip: Mapped[str | None] = mapped_column(String(64))
    cpu_info: Mapped[str] = mapped_column(Text, default='{}')
    vcpus: Mapped[int] = mapped_column(Integer)
    memory_mb: Mapped[int] = mapped_column(Integer)
    local_gb: Mapped[int] = mapped_column(Integer)
    vcpus_used: Mapped[int] = mapped_column(Integer, default=0)
    memory_mb_used: Mapped[int] = mapped_column(Integer, default=0)
    local_gb_used: Mapped[int] = mapped_column(Integer, default=0)
    running_vms: Mapped[int] = mapped_column(Integer, default=0)
    reserved_vcpus: Mapped[int] = mapped_column(Integer, default=0)
    reserved_memory_mb: Mapped[int] = mapped_column(Integer, default=0)
    reserved_disk_gb: Mapped[int] = mapped_column(Integer, default=0)
    cpu_allocation_ratio: Mapped[float] = mapped_column(Float, default=4.0)
    ram_allocation_ratio: Mapped[float] = mapped_column(Float, default=1.0)
    disk_allocation_ratio: Mapped[float] = mapped_column(Float, default=1.0)
    #: What the host's driver can do ({name: bool}, see
    #: :attr:`nova_core.virt.driver.ComputeDriver.capabilities`), as it
    #: last reported; None until it reports.
    capabilities: Mapped[dict | None] = mapped_column(JSON)


class Flavor(Base, TimestampMixin):
    __tablename__ = 'flavors'
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    flavorid: Mapped[str] = mapped_column(String(255), unique=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    memory_mb: Mapped[int] = mapped_column(Integer)
    vcpus: Mapped[int] = mapped_column(Integer)
    root_gb: Mapped[int] = mapped_column(Integer, default=0)
    ephemeral_gb: Mapped[int] = mapped_column(Integer, default=0)
    swap: Mapped[int] = mapped_column(Integer, default=0)
    rxtx_factor: Mapped[float] = mapped_column(Float, default=1.0)
    is_public: Mapped[bool] = mapped_column(Boolean, default=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str | None] = mapped_column(Text)
    extra_specs: Mapped[dict] = mapped_column(JSON, default=dict)


class Image(Base, TimestampMixin, SoftDeleteMixin):
    """An image of the built-in registry; its data lives in a file."""
    __tablename__ = 'images'
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(30), default='queued')
    visibility: Mapped[str] = mapped_column(String(20), default='shared')
    owner: Mapped[str | None] = mapped_column(String(255), index=True)
    disk_format: Mapped[str | None] = mapped_column(String(20))
    container_format: Mapped[str | None] = mapped_column(String(20))
    size: Mapped[int | None] = mapped_column(BigInteger)
    virtual_size: Mapped[int | None] = mapped_column(BigInteger)
    checksum: Mapped[str | None] = mapped_column(String(32))
    os_hash_algo: Mapped[str | None] = mapped_column(String(64))
    os_hash_value: Mapped[str | None] = mapped_column(String(128))
    min_ram: Mapped[int] = mapped_column(Integer, default=0)
    min_disk: Mapped[int] = mapped_column(Integer, default=0)
    protected: Mapped[bool] = mapped_column(Boolean, default=False)
    tags: Mapped[list] = mapped_column(JSON, default=list)
    properties: Mapped[dict] = mapped_column(JSON, default=dict)


class Instance(Base, TimestampMixin, SoftDeleteMixin):
    __tablename__ = 'instances'
    __table_args__ = (
        Index('instances_project_id_deleted_idx', 'project_id', 'deleted'),
        Index('instances_host_deleted_idx', 'host', 'deleted'),
        Index('instances_created_at_idx', 'created_at'),
        # The conductor's deadline check: tasks changed before a cutoff.
        Index('instances_task_state_updated_at_idx', 'task_state',
              'updated_at'),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(255))
    display_description: Mapped[str | None] = mapped_column(Text)
    hostname: Mapped[str | None] = mapped_column(String(255))
    project_id: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[str] = mapped_column(String(255))
    image_ref: Mapped[str | None] = mapped_column(String(255))
    flavor_id: Mapped[str] = mapped_column(String(255))
    flavor: Mapped[dict] = mapped_column(JSON)
    vcpus: Mapped[int] = mapped_column(Integer)
    memory_mb: Mapped[int] = mapped_column(Integer)
    root_gb: Mapped[int] = mapped_column(Integer)
    ephemeral_gb: Mapped[int] = mapped_column(Integer, default=0)
    swap: Mapped[int] = mapped_column(Integer, default=0)
    host: Mapped[str | None] = mapped_column(String(255))
    node: Mapped[str | None] = mapped_column(String(255))
    availability_zone: Mapped[str | None] = mapped_column(String(255))
    requested_host: Mapped[str | None] = mapped_column(String(255))
    vm_state: Mapped[str] = mapped_column(String(255))
    task_state: Mapped[str | None] = mapped_column(String(255))
    power_state: Mapped[int] = mapped_column(Integer, default=0)
    key_name: Mapped[str | None] = mapped_column(String(255))
    key_data: Mapped[str | None] = mapped_column(Text)
    user_data: Mapped[str | None] = mapped_column(Text)
    meta: Mapped[dict] = mapped_column('metadata', JSON, default=dict)
    system_metadata: Mapped[dict] = mapped_column(JSON, default=dict)
    tags: Mapped[list] = mapped_column(JSON, default=list)
    config_drive: Mapped[str | None] = mapped_column(String(255))
    access_ip_v4: Mapped[str | None] = mapped_column(String(39))
    access_ip_v6: Mapped[str | None] = mapped_column(String(39))
    reservation_id: Mapped[str | None] = mapped_column(String(255))
    launch_index: Mapped[int] = mapped_column(Integer, default=0)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    locked_by: Mapped[str | None] = mapped_column(String(10))
    locked_reason: Mapped[str | None] = mapped_column(String(255))
    progress: Mapped[int] = mapped_column(Integer, default=0)
    launched_at: Mapped[datetime.datetime | None] = mapped_column(DateTime)
    terminated_at: Mapped[datetime.datetime | None] = mapped_column(DateTime)


class InstanceFault(Base):
    __tablename__ = 'instance_faults'
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instance_uuid: Mapped[str] = mapped_column(String(36), index=True)
    code: Mapped[int] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(String(255))
    details: Mapped[str | None] = mapped_column(Text)
    host: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime.datetime] = mapped_column(
        DateTime, default=utcnow)


class InstanceAction(Base, TimestampMixin):
    __tablename__ = 'instance_actions'
    __table_args__ = (
        Index('instance_actions_uuid_request_idx', 'instance_uuid',
              'request_id'),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action: Mapped[str] = mapped_column(String(255))
    instance_uuid: Mapped[str] = mapped_column(String(36))
    request_id: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[str | None] = mapped_column(String(255))
    project_id: Mapped[str | None] = mapped_column(String(255))
    start_time: Mapped[datetime.datetime] = mapped_column(
        DateTime, default=utcnow)
    finish_time: Mapped[datetime.datetime | None] = mapped_column(DateTime)
    message: Mapped[str | None] = mapped_column(String(255))


class InstanceActionEvent(Base, TimestampMixin):
    __tablename__ = 'instance_actions_events'
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(
        ForeignKey('instance_actions.id'), index=True)
    event: Mapped[str] = mapped_column(String(255))
    start_time: Mapped[datetime.datetime] = mapped_column(
        DateTime, default=utcnow)
    finish_time: Mapped[datetime.datetime | None] = mapped_column(DateTime)
    result: Mapped[str | None] = mapped_column(String(255))
    traceback: Mapped[str | None] = mapped_column(Text)
    host: Mapped[str | None] = mapped_column(String(255))
    details: Mapped[str | None] = mapped_column(Text)


class KeyPair(Base, TimestampMixin, SoftDeleteMixin):
    """An SSH (or x509) public key of one user, named per user."""
    __tablename__ = 'key_pairs'
    __table_args__ = (
        UniqueConstraint('user_id', 'name', 'deleted',
                         name='uniq_key_pairs0user_id0name0deleted'),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(255))
    public_key: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(String(10), default='ssh')


class Quota(Base, TimestampMixin):
    """A project's own limit for one resource, overriding the default."""
    __tablename__ = 'quotas'
    __table_args__ = (
        UniqueConstraint('project_id', 'resource',
                         name='uniq_quotas0project_id0resource'),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[str] = mapped_column(String(255))
    resource: Mapped[str] = mapped_column(String(255))
    hard_limit: Mapped[int] = mapped_column(Integer)


class QuotaClass(Base, TimestampMixin):
    """The limits of a quota class; the class ``default`` holds the
    defaults every project without its own limit gets."""
    __tablename__ = 'quota_classes'
    __table_args__ = (
        UniqueConstraint('class_name', 'resource',
                         name='uniq_quota_classes0class_name0resource'),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_name: Mapped[str] = mapped_column(String(255))
    resource: Mapped[str] = mapped_column(String(255))
    hard_limit: Mapped[int] = mapped_column(Integer)


class ProjectUserQuota(Base, TimestampMixin):
    """A user's own limit for one resource within a project, overriding
    the project's limit for that user (Nova's ``project_user_quotas``)."""
    __tablename__ = 'project_user_quotas'
    __table_args__ = (
        UniqueConstraint(
            'user_id', 'project_id', 'resource',
            name='uniq_project_user_quotas0user_id0project_id0resource'),
        Index('project_user_quotas_user_id_idx', 'user_id'),
        Index('project_user_quotas_project_id_idx', 'project_id'),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[str] = mapped_column(String(255))
    resource: Mapped[str] = mapped_column(String(255))
    hard_limit: Mapped[int] = mapped_column(Integer)


class FlavorProject(Base, TimestampMixin):
    """A project given access to a private flavor."""
    __tablename__ = 'flavor_projects'
    __table_args__ = (
        UniqueConstraint('flavor_id', 'project_id',
                         name='uniq_flavor_projects0flavor_id0project_id'),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    flavor_id: Mapped[int] = mapped_column(
        ForeignKey('flavors.id', ondelete='CASCADE'))
    project_id: Mapped[str] = mapped_column(String(255))


class InstanceGroup(Base, TimestampMixin, SoftDeleteMixin):
    """A server group: a placement policy over its members."""
    __tablename__ = 'instance_groups'
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    name: Mapped[str | None] = mapped_column(String(255))
    user_id: Mapped[str] = mapped_column(String(255))
    project_id: Mapped[str] = mapped_column(String(255), index=True)
    policy: Mapped[str] = mapped_column(String(255))
    rules: Mapped[dict] = mapped_column(JSON, default=dict)


class InstanceGroupMember(Base, TimestampMixin):
    __tablename__ = 'instance_group_member'
    __table_args__ = (
        UniqueConstraint('instance_uuid',
                         name='uniq_instance_group_member0instance_uuid'),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey('instance_groups.id'), index=True)
    instance_uuid: Mapped[str] = mapped_column(String(36))


class Migration(Base, TimestampMixin):
    """A resize (or, later, a move) of an instance between flavors/hosts.

    ``old_flavor``/``new_flavor`` hold the flavors as the instance carries
    them, so confirm and revert need no flavor lookup.
    """
    __tablename__ = 'migrations'
    __table_args__ = (
        Index('migrations_instance_uuid_status_idx', 'instance_uuid',
              'status'),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    instance_uuid: Mapped[str] = mapped_column(String(36))
    migration_type: Mapped[str] = mapped_column(String(20),
                                                default='resize')
    status: Mapped[str] = mapped_column(String(255))
    source_compute: Mapped[str | None] = mapped_column(String(255))
    source_node: Mapped[str | None] = mapped_column(String(255))
    dest_compute: Mapped[str | None] = mapped_column(String(255))
    dest_node: Mapped[str | None] = mapped_column(String(255))
    old_flavor: Mapped[dict] = mapped_column(JSON)
    new_flavor: Mapped[dict] = mapped_column(JSON)
    user_id: Mapped[str | None] = mapped_column(String(255))
    project_id: Mapped[str | None] = mapped_column(String(255))


class FixedIp(Base):
    """An address of a configured network given to an instance, with the
    MAC of the instance's interface on that network.

    A row exists while the address is taken and is removed when it is
    given back: the unique constraints make two allocations of one
    address (or one MAC) impossible, whichever conductors race for it.
    """
    __tablename__ = 'fixed_ips'
    __table_args__ = (
        UniqueConstraint('network', 'address',
                         name='uniq_fixed_ips0network0address'),
        UniqueConstraint('mac', name='uniq_fixed_ips0mac'),
        UniqueConstraint('port_id', name='uniq_fixed_ips0port_id'),
        Index('fixed_ips_instance_uuid_idx', 'instance_uuid'),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    network: Mapped[str] = mapped_column(String(255))
    address: Mapped[str] = mapped_column(String(39))
    mac: Mapped[str] = mapped_column(String(17))
    instance_uuid: Mapped[str] = mapped_column(String(36))
    #: The position of the interface among the instance's (0 first).
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: The id the API shows the interface by (``os-interface``).
    port_id: Mapped[str] = mapped_column(String(36))
    #: The tag a user gave the interface as it was attached (2.49).
    tag: Mapped[str | None] = mapped_column(String(60))
    created_at: Mapped[datetime.datetime] = mapped_column(
        DateTime, default=utcnow)


class Aggregate(Base, TimestampMixin):
    """A host aggregate: a named group of compute hosts with metadata; its
    ``availability_zone`` metadata makes its hosts a zone. Deleted rows go
    (as in Nova's API database), so names stay unique."""
    __tablename__ = 'aggregates'
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)


class AggregateHost(Base, TimestampMixin):
    __tablename__ = 'aggregate_hosts'
    __table_args__ = (
        UniqueConstraint('host', 'aggregate_id',
                         name='uniq_aggregate_hosts0host0aggregate_id'),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    host: Mapped[str] = mapped_column(String(255), index=True)
    aggregate_id: Mapped[int] = mapped_column(
        ForeignKey('aggregates.id', ondelete='CASCADE'))


class AggregateMetadata(Base, TimestampMixin):
    __tablename__ = 'aggregate_metadata'
    __table_args__ = (
        UniqueConstraint('aggregate_id', 'key',
                         name='uniq_aggregate_metadata0aggregate_id0key'),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    aggregate_id: Mapped[int] = mapped_column(
        ForeignKey('aggregates.id', ondelete='CASCADE'))
    key: Mapped[str] = mapped_column(String(255), index=True)
    value: Mapped[str] = mapped_column(String(255))


class TaskLog(Base, TimestampMixin):
    """One run of a periodic audit on one host over one period (Nova's
    ``task_log``): ``instance_usage_audit`` writes it, and
    ``os-instance_usage_audit_log`` reports it."""
    __tablename__ = 'task_log'
    __table_args__ = (
        UniqueConstraint('task_name', 'host', 'period_beginning',
                         'period_ending', name='uniq_task_log0task_name0host0'
                         'period_beginning0period_ending'),
        Index('ix_task_log_period_beginning', 'period_beginning'),
        Index('ix_task_log_host', 'host'),
        Index('ix_task_log_period_ending', 'period_ending'),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_name: Mapped[str] = mapped_column(String(255))
    state: Mapped[str] = mapped_column(String(255))
    host: Mapped[str] = mapped_column(String(255))
    period_beginning: Mapped[datetime.datetime] = mapped_column(DateTime)
    period_ending: Mapped[datetime.datetime] = mapped_column(DateTime)
    message: Mapped[str] = mapped_column(String(255))
    task_items: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
class ConsoleAuthToken(Base):
    """A console URL's token, kept as its SHA-256 only (as Nova's
    ``console_auth_tokens``): a leaked table opens no console. It names
    where the console is (``host``:``port`` on a compute host), expires
    at ``expires`` (seconds since the epoch) and opens one connection
    (``used``)."""
    __tablename__ = 'console_auth_tokens'
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(255), unique=True)
    console_type: Mapped[str] = mapped_column(String(255))
    host: Mapped[str] = mapped_column(String(255))
    port: Mapped[int] = mapped_column(Integer)
    internal_access_path: Mapped[str | None] = mapped_column(String(255))
    instance_uuid: Mapped[str] = mapped_column(String(36), index=True)
    expires: Mapped[int] = mapped_column(Integer, index=True)
    used: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime.datetime] = mapped_column(
        DateTime, default=utcnow)
