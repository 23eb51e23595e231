"""The OpenAPI document and the schema declarations it is built from."""
import flask
import jsonschema
import pytest
from openapi_spec_validator import validate

from nova_core import exception, rpc
from nova_core.api import app as api_app
from nova_core.api import errors, microversion, openapi, validation
from nova_core.api.actions import ACTIONS
from nova_core.api.schemas import responses
from nova_core.api.schemas import servers as server_schemas
from nova_core.conf import CONF

V2_1 = microversion.MIN_VERSION
LATEST = microversion.MAX_VERSION

#: Blueprints converted to declarations with the document: none may lack.
DECLARED_BLUEPRINTS = ('servers', 'server_actions', 'images', 'glance',
                       'services', 'hypervisors', 'instance_actions',
                       'versions', 'openapi', 'flavors')


@pytest.fixture
def app(conf):
    rpc.cleanup()
    rpc.register_opts(CONF)
    conf.config(transport_url='local://')
    rpc.init(CONF)
    yield api_app.create_app(CONF)
    rpc.cleanup()


@pytest.fixture
def doc(app):
    return openapi.build(app)


def _op(doc, path, method):
    return doc['paths'][path][method]


def _body(doc, path, method):
    return _op(doc, path, method)['requestBody']['content'][
        'application/json']['schema']


def test_document_is_valid_openapi(doc):
    validate(doc)
    assert doc['openapi'].startswith('3.1')
    assert doc['info']['version'] == str(LATEST)


def test_older_microversion_document_is_valid_too(app):
    validate(openapi.build(app, V2_1))


def test_request_schemas_are_the_validating_ones(doc, app):
    assert _body(doc, '/v2.1/servers', 'post') == server_schemas.create(
        LATEST)
    assert _body(doc, '/v2.1/servers/{server_id}', 'put') == \
        server_schemas.update(LATEST)
    older = openapi.build(app, V2_1)
    assert 'description' not in _body(older, '/v2.1/servers', 'post')[
        'properties']['server']['properties']
    assert 'description' in _body(doc, '/v2.1/servers', 'post')[
        'properties']['server']['properties']


def test_query_parameters_come_from_the_query_schema(doc, app):
    params = {p['name']: p for p in _op(doc, '/v2.1/servers/detail',
                                        'get')['parameters']
              if p.get('in') == 'query'}
    assert set(params) == set(server_schemas.list_query(LATEST)[
        'properties'])
    assert params['limit']['schema']['type'] == 'array'
    assert params['limit']['explode'] is True
    # os-instance-actions took paging and filters only from 2.58.
    path = '/v2.1/servers/{server_id}/os-instance-actions'
    assert 'limit' in [p.get('name') for p in _op(doc, path, 'get')[
        'parameters']]
    older = openapi.build(app, V2_1)
    assert 'limit' not in [p.get('name') for p in _op(older, path, 'get')[
        'parameters']]


def test_path_parameters_and_microversion_header(doc):
    op = _op(doc, '/v2.1/servers/{server_id}', 'get')
    assert {'name': 'server_id', 'in': 'path', 'required': True,
            'schema': {'type': 'string', 'minLength': 1}} in op['parameters']
    assert {'$ref': '#/components/parameters/microversion'} in op[
        'parameters']
    assert doc['components']['parameters']['microversion']['name'] == \
        'OpenStack-API-Version'


def test_action_body_is_one_of_every_action(doc):
    body = _body(doc, '/v2.1/servers/{server_id}/action', 'post')
    keys = {name for schema in body['oneOf']
            for name in schema['properties']}
    assert keys == set(ACTIONS)
    validator = jsonschema.Draft4Validator(body)
    assert validator.is_valid({'reboot': {'type': 'HARD'}})
    assert not validator.is_valid({'reboot': {'type': 'HARD'},
                                   'os-stop': None})
    assert not validator.is_valid({'no-such-action': None})


def test_version_documents_and_itself_need_no_token(doc):
    assert doc['security'] == [{'token': []}]
    assert _op(doc, '/', 'get')['security'] == []
    assert _op(doc, '/v2.1/openapi.json', 'get')['security'] == []
    assert 'security' not in _op(doc, '/v2.1/servers', 'get')


def test_error_responses_describe_novas_fault_body(doc):
    op = _op(doc, '/v2.1/servers/{server_id}', 'get')
    for code in ('400', '404', '409', '4XX', '5XX'):
        assert op['responses'][code]['content']['application/json'][
            'schema'] == {'$ref': '#/components/schemas/Fault'}
    fault = doc['components']['schemas']['Fault']
    validator = jsonschema.Draft7Validator(fault)
    with flask.Flask('t').app_context():
        body = errors.fault(404, 'Server x could not be found.').get_json()
    assert validator.is_valid(body)
    assert not validator.is_valid({'itemNotFound': {'code': 404}})
    assert not validator.is_valid({'error': {'code': 404, 'message': 'x'}})


def test_main_success_responses_are_described(doc):
    show = _op(doc, '/v2.1/servers/{server_id}', 'get')['responses']['200']
    assert show['content']['application/json']['schema'] == \
        responses.wrapped('server', responses.SERVER)
    assert '204' in _op(doc, '/v2.1/servers/{server_id}', 'delete')[
        'responses']
    versions = _op(doc, '/', 'get')['responses']['200']
    assert 'versions' in versions['content']['application/json']['schema'][
        'properties']


def test_converted_blueprints_declare_every_route(app):
    gaps = [gap for gap in openapi.undeclared(app)
            if gap[2].partition('.')[0] in DECLARED_BLUEPRINTS]
    assert gaps == []


def test_every_route_declares_its_schemas(app):
    gaps = openapi.undeclared(app)
    assert gaps == [], '\n'.join('%s %s (%s)' % gap for gap in gaps)


def _tiny_app():
    app = flask.Flask('tiny')
    bp = flask.Blueprint('tiny', __name__)

    @bp.post('/things/<int:thing_id>')
    def undeclared(thing_id):
        return ''

    @bp.put('/things/<thing_id>')
    @validation.schema(body=lambda version: {
        'type': 'object', 'properties': {'size': {'type': 'integer'}},
        'required': ['size'] if version.matches('2.50') else []})
    def update(thing_id):
        return flask.jsonify(validation.body())

    app.register_blueprint(bp, url_prefix='/v2.1')
    app.before_request(lambda: setattr(flask.g, 'api_version', LATEST))
    errors.register(app)
    return app


def test_undeclared_routes_are_listed_with_their_path_parameters():
    app = _tiny_app()
    doc = openapi.build(app)
    op = _op(doc, '/v2.1/things/{thing_id}', 'post')
    assert op['x-undeclared'] is True
    assert op['parameters'][0] == {'name': 'thing_id', 'in': 'path',
                                   'required': True,
                                   'schema': {'type': 'integer'}}
    assert openapi.undeclared(app) == [
        ('POST', '/v2.1/things/<int:thing_id>', 'tiny.undeclared')]
    validate(doc)


def test_views_validate_with_the_declared_schema_of_their_version():
    client = _tiny_app().test_client()
    response = client.put('/v2.1/things/1', json={})
    assert response.status_code == 400
    assert 'size' in response.get_json()['badRequest']['message']
    assert client.put('/v2.1/things/1', json={'size': 3}).get_json() == {
        'size': 3}
    assert client.put('/v2.1/things/1', json={'size': 'x'}
                      ).status_code == 400


def test_a_view_without_declaration_cannot_validate_silently():
    app = flask.Flask('tiny')

    @app.post('/x')
    def view():
        validation.body()

    app.before_request(lambda: setattr(flask.g, 'api_version', LATEST))
    with app.test_request_context('/x', method='POST', json={}):
        flask.g.api_version = LATEST
        with pytest.raises(LookupError):
            validation.body()


@pytest.mark.parametrize('document', [
    {'name': '\udb59'}, {'\udc00': 'x'}, {'a': [{'b': 'ok\ud800'}]}])
def test_lone_surrogates_are_bad_input(document):
    with pytest.raises(exception.ValidationError) as caught:
        validation.check({'type': 'object'}, document)
    assert 'not a valid Unicode string' in caught.value.format_message()


def test_real_astral_characters_are_fine():
    validation.check({'type': 'object'}, {'name': '\U0001f600'})
