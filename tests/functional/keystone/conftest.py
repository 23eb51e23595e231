"""One real Keystone and one ``nova-core-all --keystone`` for the session
(starting them costs ~40 s the first time: Keystone's database
migrations), shared by every test here; see :mod:`tests.fixtures.keystone`.
"""
import pytest

from tests.fixtures import keystone
from tests.fixtures.client import Client


@pytest.fixture(scope='session')
def ks_cloud(tmp_path_factory):
    cloud = keystone.start_cloud(str(tmp_path_factory.mktemp('ks-cloud')))
    yield cloud
    keystone.stop_cloud(cloud)


@pytest.fixture(scope='session')
def tokens(ks_cloud):
    """One token per account, issued once (tests that need a token
    nova-core has never seen ask ``ks_cloud.token`` for one)."""
    cache = {}

    def token(user):
        if user not in cache:
            cache[user] = ks_cloud.token(user)
        return cache[user]
    return token


@pytest.fixture
def as_user(ks_cloud, tokens):
    """``as_user('alice')``: an API client with alice's Keystone token."""
    return lambda user, **kw: Client(ks_cloud.endpoint, token=tokens(user),
                                     **kw)
