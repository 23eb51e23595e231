"""The Flask application of nova-core-api."""
import re

import flask
from oslo_context import context as oslo_context
from oslo_middleware import request_id as oslo_request_id

from nova_core import dashboard
from nova_core.api import auth, errors, microversion, middleware
from nova_core.api.blueprints import (
    aggregates,
    availability_zones,
    extensions,
    flavor_access,
    flavor_extra_specs,
    flavors,
    glance,
    hosts,
    hypervisors,
    image_metadata,
    images,
    instance_actions,
    instance_usage_audit_log,
    interfaces,
    ips,
    keypairs,
    limits,
    migrations,
    networks,
    openapi,
    overdue_tasks,
    quota_classes,
    quota_sets,
    remote_consoles,
    server_actions,
    server_diagnostics,
    server_external_events,
    server_groups,
    server_metadata,
    server_migrations,
    server_tags,
    servers,
    services,
    simple_tenant_usage,
    versions,
)
from nova_core.api.servers_api import ServersAPI
from nova_core.conf import CONF
from nova_core.image.store import ImageStore

#: Blueprints of the Compute API, served under /v2.1.
COMPUTE_BLUEPRINTS = (servers.bp, server_actions.bp, instance_actions.bp,
                      flavors.bp, services.bp, hypervisors.bp,
                      quota_sets.bp, quota_classes.bp, limits.bp,
                      keypairs.bp, server_metadata.bp, server_tags.bp,
                      flavor_access.bp, flavor_extra_specs.bp,
                      server_groups.bp, overdue_tasks.bp, ips.bp,
                      networks.bp, extensions.bp, image_metadata.bp,
                      aggregates.bp, availability_zones.bp,
                      simple_tenant_usage.bp, server_diagnostics.bp,
                      server_external_events.bp, migrations.bp, hosts.bp,
                      server_migrations.bp, instance_usage_audit_log.bp,
                      remote_consoles.bp, interfaces.bp)
_UNVERSIONED = ('versions.', 'openapi.')


def create_app(conf=None):
    """The WSGI app; needs the RPC transport (:func:`nova_core.rpc.init`)."""
    conf = conf or CONF
    app = flask.Flask('nova_core.api')
    app.config['MAX_CONTENT_LENGTH'] = conf.api.max_request_body_size
    app.json.sort_keys = False
    app.url_map.strict_slashes = False
    app.extensions['nova_core'] = {
        'conf': conf,
        'servers_api': ServersAPI(conf),
        'image_store': ImageStore(conf),
        'authenticate': auth.STRATEGIES[conf.api.auth_strategy],
    }
    app.register_blueprint(versions.bp)
    app.register_blueprint(openapi.bp)
    for bp in COMPUTE_BLUEPRINTS:
        app.register_blueprint(bp, url_prefix='/v2.1')
    app.register_blueprint(images.bp)
    app.register_blueprint(glance.bp)
    app.before_request(_before)
    app.after_request(_after)
    errors.register(app)
    auth.wrap(app, conf)
    # The dashboard signs its users in itself: beside auth_token, not
    # behind it.
    dashboard.mount(app, conf)
    app.wsgi_app = wrap_operator_middleware(app.wsgi_app, conf)
    return app


def wrap_operator_middleware(wsgi_app, conf):
    """Health check and access log around the app (see
    :mod:`nova_core.api.middleware`). Authentication middleware wraps the
    Flask app before this, so that it sits inside these two."""
    return middleware.wrap(wsgi_app, conf)


_GLOBAL_REQUEST_ID = re.compile(oslo_request_id.ID_FORMAT)


def _request_ids(req):
    """(the API's own request id, the caller's global one or None).

    As oslo.middleware's RequestId: a caller's ``X-OpenStack-Request-ID`` is
    kept only in the ``req-<uuid>`` format; the API always makes its own.
    """
    request_id = oslo_context.generate_request_id()
    req.environ[middleware.ENV_REQUEST_ID] = request_id
    caller = req.headers.get(oslo_request_id.INBOUND_HEADER, '')
    return request_id, (caller if _GLOBAL_REQUEST_ID.match(caller)
                        else None)


def _before():
    g, req = flask.g, flask.request
    g.request_id, g.global_request_id = _request_ids(req)
    g.api_version = microversion.MIN_VERSION
    g.api_version_named = False
    if req.endpoint is None or req.endpoint.startswith(_UNVERSIONED):
        return
    version = microversion.requested(req.headers)
    if version is not None:
        g.api_version, g.api_version_named = version, True
    authenticate = flask.current_app.extensions['nova_core']['authenticate']
    g.context = authenticate(req.headers, g.request_id)
    if g.global_request_id:
        g.context.global_request_id = g.global_request_id


def _after(response):
    response.headers['X-Compute-Request-Id'] = flask.g.get('request_id', '')
    response.headers['X-Openstack-Request-Id'] = flask.g.get('request_id',
                                                             '')
    path = flask.request.path
    glance_style = (path.startswith('/v2.1/images') and
                    not flask.g.get('api_version_named'))
    if path.startswith('/v2.1') and not glance_style:
        response.headers.update(microversion.response_headers(
            flask.g.get('api_version', microversion.MIN_VERSION)))
    return response

