"""The OpenAPI links the stateful fuzz follows name real operations."""
import pytest

from nova_core import rpc
from nova_core.api import app as api_app
from nova_core.api import openapi
from nova_core.conf import CONF


@pytest.fixture
def doc(conf):
    rpc.cleanup()
    rpc.register_opts(CONF)
    conf.config(transport_url='local://')
    rpc.init(CONF)
    yield openapi.build(api_app.create_app(CONF))
    rpc.cleanup()


def _operations(doc):
    return {op['operationId']: (path, op)
            for path, ops in doc['paths'].items() for op in ops.values()}


def test_every_link_names_an_operation_and_its_path_parameter(doc):
    operations = _operations(doc)
    links = 0
    for _, op in operations.values():
        for response in op['responses'].values():
            for name, link in response.get('links', {}).items():
                links += 1
                target_path, _ = operations[link['operationId']]
                for param in link['parameters']:
                    assert '{%s}' % param in target_path, (name, param)
    assert links >= 25


@pytest.mark.parametrize('creator,status,target', [
    ('servers.create.post', '202', 'servers.delete.delete'),
    ('servers.create.post', '202', 'server_actions.action.post'),
    ('glance.create_image.post', '201', 'glance.upload_image.put'),
    ('glance.upload_image.put', '204', 'glance.download_image.get'),
    ('keypairs.create.post', '201', 'keypairs.show.get'),
    ('server_groups.create.post', '200', 'server_groups.delete.delete'),
])
def test_created_resources_link_to_their_operations(doc, creator, status,
                                                     target):
    _, op = _operations(doc)[creator]
    assert op['responses'][status]['links'][target]['operationId'] == target


def test_link_values_come_from_documented_answers(doc):
    """``$response.body#/server/id`` points into the documented body."""
    _, op = _operations(doc)['servers.create.post']
    link = op['responses']['202']['links']['servers.show.get']
    assert link['parameters'] == {'server_id': '$response.body#/server/id'}
    assert 'content' in op['responses']['202']


def test_image_proxy_is_deprecated(doc):
    assert doc['paths']['/v2.1/images']['post']['deprecated'] is True
    assert 'deprecated' not in doc['paths']['/image/v2/images']['post']
