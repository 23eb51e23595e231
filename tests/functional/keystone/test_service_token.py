"""Image data with tokens: an expired user token passes with a valid
service token of a user with the ``service`` role, and only then."""
import pytest
import requests
from keystoneauth1 import loading as ks_loading
from oslo_config import cfg

from nova_core import context as nova_context
from nova_core import exception
from nova_core.conf import glance as glance_conf
from nova_core.conf import service_user as service_user_conf
from nova_core.image import client as image_client


@pytest.fixture(scope='module')
def image_id(ks_cloud):
    resp = requests.get(ks_cloud.api_url + '/image/v2/images', timeout=30,
                        headers={'X-Auth-Token': ks_cloud.token('demo')},
                        params={'name': 'fake-image'})
    return resp.json()['images'][0]['id']


def _file(ks_cloud, image_id, user_token, service_token=None):
    headers = {'X-Auth-Token': user_token}
    if service_token:
        headers['X-Service-Token'] = service_token
    return requests.get('%s/image/v2/images/%s/file'
                        % (ks_cloud.api_url, image_id), headers=headers,
                        timeout=30)


def test_expired_user_token_passes_only_with_a_service_token(ks_cloud,
                                                             image_id):
    expired = ks_cloud.crafted_token('alice', expires_in=-30)
    assert _file(ks_cloud, image_id, expired).status_code == 401
    # a member's token is no service token
    assert _file(ks_cloud, image_id, expired,
                 ks_cloud.token('bob')).status_code == 401
    resp = _file(ks_cloud, image_id, expired, ks_cloud.token('nova'))
    assert resp.status_code == 200, resp.text


def _client_conf(ks_cloud, send):
    conf = cfg.ConfigOpts()
    glance_conf.register_opts(conf)
    service_user_conf.register_opts(conf)
    conf([], default_config_files=[])
    conf.set_override('api_servers', [ks_cloud.api_url + '/image'],
                      group='glance')
    conf.set_override('send_service_user_token', send, group='service_user')
    if send:
        conf.set_override('auth_type', 'password', group='service_user')
        conf.register_opts(ks_loading.get_auth_plugin_conf_options(
            'password'), group='service_user')
        for name, value in {
                'auth_url': ks_cloud.auth_url, 'username': 'nova',
                'password': ks_cloud.passwords['nova'],
                'project_name': 'service', 'user_domain_name': 'Default',
                'project_domain_name': 'Default'}.items():
            conf.set_override(name, value, group='service_user')
    return conf


def test_compute_image_client_downloads_with_an_expired_user_token(
        ks_cloud, image_id, tmp_path):
    ctxt = nova_context.RequestContext(
        user_id=ks_cloud.ids['alice'], project_id=ks_cloud.ids['alpha'],
        auth_token=ks_cloud.crafted_token('alice', expires_in=-30))
    with pytest.raises(exception.ImageServiceError, match='401'):
        image_client.ImageClient(_client_conf(ks_cloud, False)).download(
            ctxt, image_id, str(tmp_path / 'no'))
    client = image_client.ImageClient(_client_conf(ks_cloud, True))
    client.download(ctxt, image_id, str(tmp_path / 'disk'))
    assert (tmp_path / 'disk').stat().st_size > 0
