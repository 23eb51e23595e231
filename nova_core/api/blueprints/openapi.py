"""``GET /v2.1/openapi.json``: the OpenAPI document of this API.

Like the version documents, it needs no token: it describes the API's
surface (routes, schemas, error bodies), which is public, and holds nothing
of any project. It documents the newest microversion unless the request
names another in ``OpenStack-API-Version``.
"""
import flask

from nova_core.api import microversion, openapi, validation

bp = flask.Blueprint('openapi', __name__)


@bp.get('/v2.1/openapi.json')
@validation.schema()
def document():
    """The OpenAPI 3.1 document of the API, at the requested microversion.
    """
    version = (microversion.requested(flask.request.headers) or
               microversion.MAX_VERSION)
    cache = flask.current_app.extensions.setdefault('openapi', {})
    if version not in cache:
        cache[version] = openapi.build(flask.current_app, version)
    flask.g.api_version = version  # answered in the response headers
    return flask.jsonify(cache[version])
