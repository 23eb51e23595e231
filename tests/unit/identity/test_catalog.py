"""The catalog check: a missing service is named, not a KeyError later."""
from unittest import mock

import pytest
from keystoneauth1 import session

from nova_core import identity
from nova_core.identity import catalog


def test_catalog_without_image_service_is_named():
    sess = mock.create_autospec(session.Session, instance=True)
    sess.get_endpoint.return_value = None
    with pytest.raises(identity.KeystoneError,
                       match='the catalog has no image service'):
        catalog.require_service(sess, 'image', 'RegionOne')
    sess.get_endpoint.assert_called_once_with(
        service_type='image', interface='public', region_name='RegionOne')


def test_catalog_with_the_service_gives_its_url():
    sess = mock.create_autospec(session.Session, instance=True)
    sess.get_endpoint.return_value = 'http://127.0.0.1:8774/image'
    assert catalog.require_service(sess, 'image') == \
        'http://127.0.0.1:8774/image'


def test_endpoint_not_found_is_named_too():
    from keystoneauth1 import exceptions
    sess = mock.create_autospec(session.Session, instance=True)
    sess.get_endpoint.side_effect = exceptions.EndpointNotFound()
    with pytest.raises(identity.KeystoneError, match='no compute service'):
        catalog.require_service(sess, 'compute')
