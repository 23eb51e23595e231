"""Links in responses (``self``, ``bookmark``, ``next``)."""
import urllib.parse

import flask

from nova_core.conf import CONF


def base_url():
    """``http://host:port`` of the API as the client reached it (worked out
    once per request: every item of a list has links)."""
    cached = flask.g.get('base_url')
    if cached is None:
        prefix = CONF.api.compute_link_prefix
        cached = flask.g.base_url = (prefix or
                                     flask.request.host_url).rstrip('/')
    return cached


def resource(collection, ident):
    base = base_url()
    return [{'rel': 'self', 'href': '%s/v2.1/%s/%s' % (base, collection,
                                                       ident)},
            {'rel': 'bookmark', 'href': '%s/%s/%s' % (base, collection,
                                                      ident)}]


def bookmark(collection, ident):
    return [{'rel': 'bookmark', 'href': '%s/%s/%s' % (base_url(), collection,
                                                      ident)}]


def next_link(items, limit, id_key='id'):
    """The ``next`` link of a page that is full, else None."""
    if not items or limit is None or len(items) < limit:
        return None
    params = [(k, v) for k, v in flask.request.args.items(multi=True)
              if k != 'marker']
    params.append(('marker', items[-1][id_key]))
    return {'rel': 'next', 'href': '%s%s?%s' % (
        base_url(), flask.request.path, urllib.parse.urlencode(params))}


def isotime(value):
    """Nova's ``created``/``updated`` format: seconds and a ``Z``."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.split('.')[0].rstrip('Z') + 'Z'
    return value.strftime('%Y-%m-%dT%H:%M:%SZ')


def usage_time(value):
    """Nova's ``launched_at`` format: microseconds, no zone."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return value.strftime('%Y-%m-%dT%H:%M:%S.%f')
