"""The dashboard: nova-core's own web UI at ``/dashboard/``.

It is a client of the public Compute API, like the CLI: every page is
built from API calls made with the signed-in user's token, so what a user
can do here is what policy lets them do through the API. It is a Flask
app of its own, mounted into nova-core-api's WSGI app under
``/dashboard`` (:func:`mount`), so that the API's authentication and
microversion handling never see its requests.
"""
import flask
import requests
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from nova_core.dashboard import (  # noqa: F401 (their routes)
    admin,
    auth_views,
    instances,
    launch,
    resources,
    server_forms,
    sessions,
    signin,
    web,
)

PREFIX = '/dashboard'


def create_app(conf, http=None):
    """The dashboard's WSGI app (``http``: the requests session its API
    clients use)."""
    app = flask.Flask('nova_core.dashboard')
    app.jinja_env.autoescape = True
    app.config['MAX_CONTENT_LENGTH'] = None
    app.extensions['dashboard'] = {
        'conf': conf,
        'store': sessions.SessionStore(conf.dashboard.session_timeout),
        'signin': signin.for_conf(conf),
        'http': http or requests.Session(),
    }
    app.register_blueprint(web.bp)
    return app


def mount(api_app, conf):
    """Serve the dashboard under ``/dashboard`` of ``api_app`` when
    ``[dashboard] enabled``."""
    if not conf.dashboard.enabled:
        return
    api_app.wsgi_app = DispatcherMiddleware(
        api_app.wsgi_app, {PREFIX: create_app(conf)})
