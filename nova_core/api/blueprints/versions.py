"""Version documents: ``GET /`` and ``GET /v2.1``. No token needed."""
import flask

from nova_core.api import links, microversion, validation

bp = flask.Blueprint('versions', __name__)

_UPDATED = '2013-07-23T11:33:21Z'


def _v21(href):
    return {
        'id': 'v2.1', 'status': 'CURRENT',
        'version': str(microversion.MAX_VERSION),
        'min_version': str(microversion.MIN_VERSION),
        'updated': _UPDATED,
        'links': [{'rel': 'self', 'href': href}],
    }


@bp.get('/')
@validation.schema()
def versions():
    return flask.jsonify({'versions': [
        _v21(links.base_url() + '/v2.1/')]})


@bp.get('/v2.1')
@bp.get('/v2.1/')
@validation.schema()
def v21():
    doc = _v21(links.base_url() + '/v2.1/')
    doc['links'].append({
        'rel': 'describedby', 'type': 'text/html',
        'href': 'https://docs.openstack.org/'})
    doc['media-types'] = [{
        'base': 'application/json',
        'type': 'application/vnd.openstack.compute+json;version=2.1'}]
    return flask.jsonify({'version': doc})
