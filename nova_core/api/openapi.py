"""The OpenAPI 3.1 document of the API nova-core serves, built from the
same JSON Schemas that validate requests.

The rule, for every view (one source of truth, nothing repeated):

* A view declares its request with
  ``@validation.schema(body=..., query=..., media_type=...)`` next to its
  route decorator, and reads it with ``validation.body()`` /
  ``validation.query()`` called without a schema. A declared value is a
  schema dict, or a function of the microversion returning one (or None
  where that version takes none), exactly as the view validates it.
* A view taking nothing says so with a bare ``@validation.schema()``.
* A schema that depends on more than the microversion (the pre-2.53
  ``PUT /os-services/{action}``, the image proxy that 2.36 removed) is
  passed to ``validation.body()``/``query()`` explicitly; the declaration
  then says what the newest microversion takes.
* Server actions are one route, ``POST /servers/{id}/action``; its body is
  documented as a ``oneOf`` over the schema of every
  :data:`nova_core.api.actions.ACTIONS` entry (see
  :func:`nova_core.api.blueprints.server_actions.body_schema`), so a new
  action is documented by registering it.

Routes whose view declares nothing are still listed, with their path
parameters and a loose body; :func:`undeclared` names them, and
``tests/unit/test_openapi.py`` lists them. Query schemas follow Nova's
(each parameter an array of strings, since it may repeat), so each
property becomes a ``form``/``explode`` query parameter. Responses: Nova's
error body for 4xx/5xx, the schemas of
:data:`nova_core.api.schemas.responses.SUCCESS` for the main successful
answers, ``{"type": "object"}`` for the rest.
"""
import copy
import re

from nova_core.api import microversion
from nova_core.api.schemas import responses

#: Blueprints (endpoint prefixes) whose routes need no token.
UNAUTHENTICATED = ('versions', 'openapi')
#: Blueprints of deprecated routes: ``/v2.1/images``, Nova's image proxy
#: (gone from 2.36 on: 404, and 405 for a create) that image clients given
#: the compute endpoint still use without a microversion; ``/os-networks``
#: (gone from 2.36 on: 404).
DEPRECATED = ('images', 'networks')

_BODY_METHODS = ('POST', 'PUT', 'PATCH')
_RULE_ARG = re.compile(r'<(?:([a-zA-Z_]+)(?:\([^)]*\))?:)?([a-zA-Z_]\w*)>')
_ERROR_CODES = {'400': 'badRequest', '401': 'unauthorized',
                '403': 'forbidden', '404': 'itemNotFound',
                '409': 'conflictingRequest', '413': 'overLimit',
                '500': 'computeFault'}


def build(app, version=microversion.MAX_VERSION):
    """The document of ``app``'s routes at ``version``."""
    paths = {}
    seen_ids = set()
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == 'static':
            continue
        view = app.view_functions[rule.endpoint]
        path, params = _path(rule)
        for method in sorted(rule.methods - {'HEAD', 'OPTIONS'}):
            op = _operation(rule, view, method.upper(), params, version)
            op['operationId'] = _unique(
                '%s.%s' % (rule.endpoint, method.lower()), seen_ids)
            paths.setdefault(path, {})[method.lower()] = op
    return {
        'openapi': '3.1.0',
        'info': {
            'title': 'nova-core Compute API',
            'version': str(version),
            'description': (
                'The OpenStack Compute API v2.1 as nova-core serves it, at '
                'microversion %s (name another in the %s header when '
                'fetching this document). Request schemas are the ones the '
                'API validates with.' % (version, microversion.HEADER)),
        },
        'servers': [{'url': '/'}],
        'paths': paths,
        'components': {
            'securitySchemes': {'token': {
                'type': 'apiKey', 'in': 'header', 'name': 'X-Auth-Token'}},
            'parameters': {'microversion': _MICROVERSION_PARAM},
            'schemas': {'Fault': responses.FAULT},
        },
        'security': [{'token': []}],
    }


def undeclared(app):
    """``(method, rule, endpoint)`` of each route whose view declares no
    request schemas with :func:`nova_core.api.validation.schema`."""
    gaps = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == 'static':
            continue
        if not hasattr(app.view_functions[rule.endpoint], 'request_schemas'):
            for method in sorted(rule.methods - {'HEAD', 'OPTIONS'}):
                gaps.append((method, rule.rule, rule.endpoint))
    return sorted(gaps)


_MICROVERSION_PARAM = {
    'name': microversion.HEADER, 'in': 'header', 'required': False,
    'description': ('The compute microversion, ``compute 2.X`` from %s to '
                    '%s or ``compute latest``; none means %s.'
                    % (microversion.MIN_VERSION, microversion.MAX_VERSION,
                       microversion.MIN_VERSION)),
    'schema': {'type': 'string',
               'pattern': r'^compute (2\.[0-9]{1,3}|latest)$'},
    'example': 'compute %s' % microversion.MAX_VERSION,
}


def _path(rule):
    """``/servers/{server_id}`` and the path parameters of a URL rule."""
    params = []
    for converter, name in _RULE_ARG.findall(rule.rule):
        schema = ({'type': 'integer'} if converter == 'int'
                  else {'type': 'string', 'minLength': 1})
        params.append({'name': name, 'in': 'path', 'required': True,
                       'schema': schema})
    return _RULE_ARG.sub(r'{\2}', rule.rule), params


def _unique(name, seen):
    candidate, n = name, 1
    while candidate in seen:
        n += 1
        candidate = '%s%d' % (name, n)
    seen.add(candidate)
    return candidate


def _declared(view, kind, version):
    value = getattr(view, 'request_schemas', {}).get(kind)
    if callable(value):
        value = value(version)
    return copy.deepcopy(value)


def _operation(rule, view, method, path_params, version):
    blueprint = rule.endpoint.partition('.')[0]
    op = {'tags': [blueprint],
          'summary': (view.__doc__ or '').strip().split('\n')[0] or
          '%s %s' % (method, rule.rule),
          'parameters': list(path_params) + _query_params(
              _declared(view, 'query', version))}
    if rule.rule.startswith('/v2.1'):
        op['parameters'].append(
            {'$ref': '#/components/parameters/microversion'})
    if blueprint in UNAUTHENTICATED:
        op['security'] = []
    if blueprint in DEPRECATED:
        op['deprecated'] = True
    if method in _BODY_METHODS:
        body = _request_body(view, version)
        if body is not None:
            op['requestBody'] = body
    op['responses'] = _responses(rule.endpoint, method)
    if not hasattr(view, 'request_schemas'):
        op['x-undeclared'] = True
    return op


def _query_params(schema):
    if not schema:
        return []
    required = set(schema.get('required', ()))
    return [{'name': name, 'in': 'query', 'required': name in required,
             'style': 'form', 'explode': True, 'schema': prop}
            for name, prop in sorted(schema.get('properties', {}).items())]


def _request_body(view, version):
    declared = getattr(view, 'request_schemas', None)
    if declared is None:
        return {'required': False, 'content': {
            'application/json': {'schema': {'type': 'object'}}}}
    schema = _declared(view, 'body', version)
    media_type = declared.get('media_type') or 'application/json'
    if media_type == 'application/octet-stream':
        return {'required': True, 'content': {media_type: {
            'schema': {'type': 'string', 'format': 'binary'}}}}
    if schema is None:
        return None
    return {'required': True, 'content': {media_type: {'schema': schema}}}


#: OpenAPI links, for stateful clients (schemathesis' stateful phase):
#: endpoint of the answering operation -> (status, path parameter, where
#: the answer gives its value, operationIds of the operations it feeds).
LINKS = {
    'servers.create': ('202', 'server_id', '$response.body#/server/id', (
        'servers.show.get', 'servers.update.put',
        'server_actions.action.post', 'server_metadata.index.get',
        'server_metadata.create.post', 'server_metadata.update_all.put',
        'server_tags.index.get', 'server_tags.update_all.put',
        'instance_actions.index.get',
        'servers.delete.delete')),
    'glance.create_image': ('201', 'image_id', '$response.body#/id', (
        'glance.show_image.get', 'glance.patch_image.patch',
        'glance.upload_image.put', 'glance.download_image.get',
        'glance.delete_image.delete')),
    'glance.upload_image': ('204', 'image_id', '$request.path.image_id', (
        'glance.download_image.get', 'glance.show_image.get')),
    'keypairs.create': ('201', 'name', '$response.body#/keypair/name', (
        'keypairs.show.get', 'keypairs.delete.delete')),
    'server_groups.create': ('200', 'group_id',
                             '$response.body#/server_group/id', (
                                 'server_groups.show.get',
                                 'server_groups.delete.delete')),
    'flavors.create': ('200', 'flavor_id', '$response.body#/flavor/id', (
        'flavors.show.get', 'flavors.update.put',
        'flavor_extra_specs.index.get', 'flavor_access.index.get',
        'flavors.delete.delete')),
}


def _links(endpoint):
    """``(status, {name: link object})`` of ``endpoint``'s answer."""
    status, param, value, targets = LINKS.get(endpoint, (None, None, None,
                                                         ()))
    return status, {target: {'operationId': target,
                             'parameters': {param: value}}
                    for target in targets}


def _fault(description):
    return {'description': description, 'content': {'application/json': {
        'schema': {'$ref': '#/components/schemas/Fault'}}}}


def _responses(endpoint, method):
    success = responses.SUCCESS.get(endpoint)
    if success is None:
        success = ({'2XX': None} if method == 'DELETE'
                   else {'2XX': {'type': 'object'}})
    result = {}
    for code, schema in success.items():
        result[code] = {'description': 'Success.'}
        if schema is responses.BINARY:
            result[code]['content'] = {'application/octet-stream': {
                'schema': schema}}
        elif schema is not None:
            result[code]['content'] = {'application/json': {
                'schema': schema}}
    link_status, links = _links(endpoint)
    if links:
        result[link_status]['links'] = links
    for code, name in _ERROR_CODES.items():
        result[code] = _fault('Nova\'s error body, ``%s``.' % name)
    result['4XX'] = _fault('Other client errors, in Nova\'s error body.')
    result['5XX'] = _fault('Server errors, in Nova\'s error body.')
    return result
