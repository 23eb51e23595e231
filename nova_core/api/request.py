"""The request's context and microversion, and the services views call."""
import flask

from nova_core import exception


def context():
    return flask.g.context


def version():
    return flask.g.api_version


def servers_api():
    return flask.current_app.extensions['nova_core']['servers_api']


def conf():
    return flask.current_app.extensions['nova_core']['conf']


def require_admin(action):
    if not context().is_admin:
        raise exception.Forbidden(action=action)
