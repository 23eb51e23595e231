"""Version documents: ``GET /``, ``GET /v2`` and ``GET /v2.1`` (Compute),
``GET /image`` (the image API, as Glance's). No token needed.

As Nova, the root lists v2.0 (SUPPORTED, no microversions) before v2.1;
nova-core serves only v2.1, but the v2.0 document is there for clients and
Tempest that read it first."""
import flask

from nova_core.api import links, microversion, validation

bp = flask.Blueprint('versions', __name__)

_UPDATED = '2013-07-23T11:33:21Z'
_UPDATED_V20 = '2011-01-21T11:33:21Z'


def _v20(href):
    return {
        'id': 'v2.0', 'status': 'SUPPORTED', 'version': '',
        'min_version': '', 'updated': _UPDATED_V20,
        'links': [{'rel': 'self', 'href': href}],
    }


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
        _v20(links.base_url() + '/v2/'),
        _v21(links.base_url() + '/v2.1/')]})


def _detailed(doc, media_version):
    doc['links'].append({
        'rel': 'describedby', 'type': 'text/html',
        'href': 'https://docs.openstack.org/'})
    doc['media-types'] = [{
        'base': 'application/json',
        'type': 'application/vnd.openstack.compute+json;version=%s'
                % media_version}]
    return flask.jsonify({'version': doc})


@bp.get('/v2')
@bp.get('/v2/')
@validation.schema()
def v20():
    return _detailed(_v20(links.base_url() + '/v2/'), '2')


@bp.get('/v2.1')
@bp.get('/v2.1/')
@validation.schema()
def v21():
    return _detailed(_v21(links.base_url() + '/v2.1/'), '2.1')


@bp.get('/image')
@bp.get('/image/')
@validation.schema()
def image_versions():
    """Glance's versions document (300 Multiple Choices), which image
    clients that found the image API in Keystone's catalog read first."""
    href = links.base_url() + '/image/v2/'
    response = flask.jsonify({'versions': [
        {'id': 'v2.0', 'status': 'CURRENT',
         'links': [{'rel': 'self', 'href': href}]}]})
    response.status_code = 300
    return response
