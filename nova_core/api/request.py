"""The request's context and microversion, and the services views call."""
import flask


def context():
    return flask.g.context


def version():
    return flask.g.api_version


def servers_api():
    return flask.current_app.extensions['nova_core']['servers_api']


def conf():
    return flask.current_app.extensions['nova_core']['conf']
