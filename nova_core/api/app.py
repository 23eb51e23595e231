"""The Flask application of nova-core-api."""
import uuid

import flask

from nova_core.api import auth, errors, microversion
from nova_core.api.blueprints import (
    flavor_access,
    flavor_extra_specs,
    flavors,
    glance,
    hypervisors,
    images,
    instance_actions,
    keypairs,
    limits,
    openapi,
    quota_classes,
    quota_sets,
    server_actions,
    server_groups,
    server_metadata,
    server_tags,
    servers,
    services,
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
                      server_groups.bp)
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
    return app


def _before():
    g, req = flask.g, flask.request
    g.request_id = 'req-' + str(uuid.uuid4())
    g.api_version = microversion.MIN_VERSION
    g.api_version_named = False
    if req.endpoint is None or req.endpoint.startswith(_UNVERSIONED):
        return
    version = microversion.requested(req.headers)
    if version is not None:
        g.api_version, g.api_version_named = version, True
    authenticate = flask.current_app.extensions['nova_core']['authenticate']
    g.context = authenticate(req.headers, g.request_id)


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

