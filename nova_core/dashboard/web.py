"""What every dashboard view shares: the session of the request, its API
client, CSRF and double-submit checks, and the security headers."""
import functools
import secrets

import flask

from nova_core.dashboard import client, sessions

bp = flask.Blueprint('dashboard', __name__, template_folder='templates',
                     static_folder='static', static_url_path='/static')

#: Forbids inline script and everything not from the dashboard itself.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; "
       "img-src 'self' data:; connect-src 'self'; object-src 'none'; "
       "base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
LOGIN_CSRF_COOKIE = sessions.COOKIE + '_login'
_UNSAFE = ('POST', 'PUT', 'PATCH', 'DELETE')


def ext():
    return flask.current_app.extensions['dashboard']


def conf():
    return ext()['conf']


def session():
    """The signed-in session of this request, or None."""
    if 'dashboard_session' not in flask.g:
        flask.g.dashboard_session = ext()['store'].get(
            flask.request.cookies.get(sessions.COOKIE))
    return flask.g.dashboard_session


def identity():
    return session().identity


def compute_endpoint():
    """``[dashboard] compute_endpoint``, else this service's own listen
    address (never the Host header the browser sent)."""
    configured = conf().dashboard.compute_endpoint
    if configured:
        return configured
    host = conf().osapi_compute_listen
    host = {'0.0.0.0': '127.0.0.1', '::': '::1'}.get(host, host)
    if ':' in host:
        host = '[%s]' % host
    port = flask.request.environ.get('SERVER_PORT') or \
        conf().osapi_compute_listen_port
    return 'http://%s:%s/v2.1' % (host, port)


def api():
    """The Compute API as the signed-in user."""
    if 'dashboard_api' not in flask.g:
        flask.g.dashboard_api = client.ComputeClient(
            compute_endpoint(), identity().token,
            conf().dashboard.request_timeout, ext()['http'])
    return flask.g.dashboard_api


def login_required(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if session() is None:
            if flask.request.headers.get('X-Requested-With'):
                return flask.Response('Sign in again.', 401)
            return flask.redirect(flask.url_for(
                'dashboard.login', next=here()))
        return view(*args, **kwargs)
    return wrapper


def admin_required(view):
    @functools.wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not identity().is_admin:
            flask.abort(403)
        return view(*args, **kwargs)
    return wrapper


def here():
    """This request's full dashboard path, for ``next``."""
    request = flask.request
    return (request.script_root + request.full_path).rstrip('?')


def flash(category, message):
    if session() is not None:
        session().flash(category, message)


def back(default='dashboard.instances'):
    """Where to go after a form: ``next`` if it is a dashboard path."""
    target = flask.request.form.get('next') or ''
    root = flask.request.script_root + '/'
    if target.startswith(root) and not target.startswith('//'):
        return flask.redirect(target)
    return flask.redirect(flask.url_for(default))


def nonce():
    """A one-time token for a form, so that it acts once."""
    return secrets.token_urlsafe(12)


@bp.before_request
def check_csrf():
    request = flask.request
    if request.method not in _UNSAFE:
        return None
    sent = request.headers.get('X-CSRF-Token') or request.form.get('csrf')
    if request.endpoint == 'dashboard.login':
        expected = request.cookies.get(LOGIN_CSRF_COOKIE)
        ok = bool(expected and sent) and secrets.compare_digest(
            expected, sent)
    else:
        ok = session() is not None and session().check_csrf(sent)
    if not ok:
        if session() is None and request.endpoint != 'dashboard.login':
            return flask.redirect(flask.url_for('dashboard.login'))
        flask.abort(400, 'The form has expired or did not come from this '
                         'dashboard; reload the page and try again.')
    return None


def once():
    """False when this form's nonce was already used (a double click)."""
    return session().first_use(flask.request.form.get('nonce'))


@bp.after_request
def security_headers(response):
    response.headers['Content-Security-Policy'] = CSP
    response.headers['X-Content-Type-Options'] = 'nosniff'
    response.headers['X-Frame-Options'] = 'DENY'
    response.headers['Referrer-Policy'] = 'same-origin'
    if not flask.request.path.startswith(flask.request.script_root +
                                         '/static/'):
        response.headers['Cache-Control'] = 'no-store'
    return response


@bp.app_errorhandler(client.Unauthorized)
def expired(exc):
    """The API no longer takes the token: back to sign in."""
    session_id = flask.request.cookies.get(sessions.COOKIE)
    ext()['store'].delete(session_id)
    if flask.request.headers.get('X-Requested-With'):
        return flask.Response('Sign in again.', 401)
    response = flask.redirect(flask.url_for(
        'dashboard.login', expired=1, next=here()))
    response.delete_cookie(sessions.COOKIE, path=flask.request.script_root
                           or '/')
    return response


@bp.app_errorhandler(client.ApiError)
def api_error(exc):
    """A page the API would not build (e.g. a server gone): its own
    words, with its status."""
    status = exc.status if 400 <= exc.status < 600 else 502
    if flask.request.headers.get('X-Requested-With'):
        return flask.Response(exc.message, status, mimetype='text/plain')
    return flask.render_template('error.html', error={
        'code': status, 'name': 'The Compute API refused the request',
        'description': exc.message}), status


@bp.app_errorhandler(400)
@bp.app_errorhandler(403)
@bp.app_errorhandler(404)
def http_error(exc):
    return flask.render_template('error.html', error=exc), exc.code


@bp.app_context_processor
def template_globals():
    current = session()
    return {'me': current.identity if current else None,
            'csrf': current.csrf if current else '',
            'nonce': nonce, 'here': here,
            'flashes': current.pop_flashes if current else list}
