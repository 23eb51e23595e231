"""nova-core's place in Keystone: users, projects, services, endpoints.

Everything goes through the Identity API v3 as an administrator, and every
step finds before it creates (a password is set only when it no longer
works), so running it again changes nothing; ``admin.changes`` lists what
a run did::

    admin = IdentityAdmin('http://127.0.0.1:5000/v3', admin_password)
    register_nova(admin, 'http://127.0.0.1:8774', nova_password)
    admin.ensure_account('demo', demo_password, 'demo', ['member'])
"""
from keystoneauth1 import adapter, session
from keystoneauth1 import exceptions as ks_exceptions
from keystoneauth1.identity import v3

from nova_core import identity

DEFAULT_DOMAIN = 'default'

#: nova-core's services in the catalog: type, name, description, and the
#: path under nova-core-api's URL (the image API has Glance's versions
#: document at /image, the compute API Nova's at /v2.1).
SERVICES = (
    ('compute', 'nova', 'nova-core Compute API', '/v2.1'),
    ('image', 'glance', 'nova-core image API (Glance v2)', '/image'),
)


class IdentityAdmin:
    """An administrator's view of the Identity API."""

    def __init__(self, auth_url, password, username='admin',
                 project_name='admin', region=None):
        auth = v3.Password(auth_url=auth_url, username=username,
                           password=password, project_name=project_name,
                           user_domain_id=DEFAULT_DOMAIN,
                           project_domain_id=DEFAULT_DOMAIN)
        self.session = session.Session(auth=auth)
        self.api = adapter.Adapter(self.session, service_type='identity',
                                   interface='public', region_name=region,
                                   raise_exc=True)
        self.region = region
        #: What this object created or changed, e.g. "created user nova".
        self.changes = []

    # --- generic ------------------------------------------------------------

    def _find(self, collection, **filters):
        items = self.api.get('/%s' % collection,
                             params=filters).json()[collection]
        return items[0] if items else None

    def _ensure(self, collection, body, **filters):
        found = self._find(collection, **filters)
        if found is not None:
            return found
        key = collection[:-1]
        self.changes.append('created %s %s' % (
            key, body.get('name') or body.get('type') or body.get('id')))
        return self.api.post('/%s' % collection,
                             json={key: body}).json()[key]

    # --- identities ---------------------------------------------------------

    def ensure_project(self, name, description=''):
        return self._ensure('projects', {
            'name': name, 'domain_id': DEFAULT_DOMAIN,
            'description': description, 'enabled': True},
            name=name, domain_id=DEFAULT_DOMAIN)

    def ensure_role(self, name):
        return self._ensure('roles', {'name': name}, name=name)

    def ensure_user(self, name, password, project_id=None):
        """The user, created, or given ``password`` when it has another."""
        user = self._find('users', name=name, domain_id=DEFAULT_DOMAIN)
        if user is None:
            body = {'name': name, 'password': password, 'enabled': True,
                    'domain_id': DEFAULT_DOMAIN}
            if project_id:
                body['default_project_id'] = project_id
            self.changes.append('created user %s' % name)
            return self.api.post('/users', json={'user': body}).json()['user']
        if not self.password_works(user['id'], password):
            self.changes.append('set the password of user %s' % name)
            self.api.patch('/users/%s' % user['id'],
                           json={'user': {'password': password}})
        return user

    def password_works(self, user_id, password):
        """Whether Keystone issues a token to ``user_id`` for
        ``password``."""
        body = {'auth': {'identity': {'methods': ['password'], 'password': {
            'user': {'id': user_id, 'password': password}}}}}
        resp = self.api.post('/auth/tokens', json=body, authenticated=False,
                             raise_exc=False)
        return resp.status_code == 201

    def grant(self, user_id, project_id, role_name):
        role = self.ensure_role(role_name)
        path = '/projects/%s/users/%s/roles/%s' % (project_id, user_id,
                                                   role['id'])
        if self.api.head(path, raise_exc=False).status_code != 204:
            self.changes.append('granted role %s on project %s' % (
                role_name, project_id))
            self.api.put(path)

    def ensure_account(self, name, password, project_name, roles):
        """A user with ``roles`` on a project of its own name or another;
        returns ``(user, project)``."""
        project = self.ensure_project(project_name)
        user = self.ensure_user(name, password, project['id'])
        for role in roles:
            self.grant(user['id'], project['id'], role)
        return user, project

    # --- catalog ------------------------------------------------------------

    def ensure_service(self, service_type, name, description):
        return self._ensure('services', {
            'type': service_type, 'name': name, 'description': description,
            'enabled': True}, type=service_type)

    def ensure_region(self, region):
        if self.api.get('/regions/%s' % region,
                        raise_exc=False).status_code == 404:
            self.changes.append('created region %s' % region)
            self.api.post('/regions', json={'region': {'id': region}})

    def ensure_endpoint(self, service_id, url, region,
                        interfaces=('public', 'internal')):
        """One endpoint per interface at ``url`` (an existing one at
        another URL is moved)."""
        for interface in interfaces:
            found = self._find('endpoints', service_id=service_id,
                               interface=interface, region_id=region)
            if found is None:
                self.changes.append('created %s endpoint %s' % (interface,
                                                                url))
                self.api.post('/endpoints', json={'endpoint': {
                    'service_id': service_id, 'interface': interface,
                    'url': url, 'region_id': region, 'enabled': True}})
            elif found['url'] != url:
                self.changes.append('moved %s endpoint %s to %s' % (
                    interface, found['url'], url))
                self.api.patch('/endpoints/%s' % found['id'],
                               json={'endpoint': {'url': url}})


def register_nova(admin, api_url, nova_password, region='RegionOne',
                  username='nova', project_name='service'):
    """The ``service`` project, the ``nova`` service user (roles ``admin``
    and ``service`` there, as Nova's deployment guides give it), and the
    ``compute`` and ``image`` services with endpoints under ``api_url``
    (nova-core-api's base URL, e.g. ``http://127.0.0.1:8774``).

    :returns: the service project.
    """
    _, project = admin.ensure_account(username, nova_password, project_name,
                                      ['admin', 'service'])
    admin.ensure_region(region)
    for service_type, name, description, path in SERVICES:
        service = admin.ensure_service(service_type, name, description)
        admin.ensure_endpoint(service['id'], api_url.rstrip('/') + path,
                              region)
    return project


def require_service(catalog_session, service_type, region=None):
    """The URL of ``service_type`` in the catalog of ``catalog_session``.

    :raises: KeystoneError naming the service when the catalog has none.
    """
    try:
        url = catalog_session.get_endpoint(service_type=service_type,
                                           interface='public',
                                           region_name=region)
    except ks_exceptions.EndpointNotFound:
        url = None
    if not url:
        raise identity.KeystoneError(reason=(
            'the catalog has no %s service (public interface%s): register '
            'it, e.g. "openstack service create --name glance %s" and an '
            'endpoint' % (service_type, ', region %s' % region if region
                          else '', service_type)))
    return url
