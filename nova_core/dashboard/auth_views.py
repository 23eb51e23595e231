"""Sign in and sign out."""
import secrets

import flask

from nova_core.dashboard import sessions, signin, web

bp = web.bp


def _cookie_path():
    return (flask.request.script_root or '') + '/'


@bp.route('/login', methods=['GET', 'POST'])
def login():
    method = web.ext()['signin']
    error = None
    if flask.request.args.get('expired'):
        error = 'Your session has expired. Please sign in again.'
    form = flask.request.form
    if flask.request.method == 'POST':
        try:
            identity = method.sign_in(form.get('username', '').strip(),
                                      form.get('password', ''),
                                      form.get('project', '').strip())
        except signin.SignInError as exc:
            error = str(exc)
        else:
            return _signed_in(identity)
    token = secrets.token_urlsafe(24)
    response = flask.make_response(flask.render_template(
        'login.html', error=error, login_csrf=token,
        needs_password=method.needs_password,
        next=flask.request.values.get('next', ''),
        username=form.get('username', ''), project=form.get('project', '')),
        401 if error and flask.request.method == 'POST' else 200)
    response.set_cookie(web.LOGIN_CSRF_COOKIE, token, httponly=True,
                        samesite='Strict', path=_cookie_path(),
                        secure=flask.request.is_secure)
    return response


def _signed_in(identity):
    session = web.ext()['store'].create(identity)
    target = flask.request.form.get('next') or ''
    root = flask.request.script_root + '/'
    if not target.startswith(root) or target.startswith('//'):
        target = flask.url_for('dashboard.instances')
    response = flask.redirect(target)
    response.set_cookie(sessions.COOKIE, session.id, httponly=True,
                        samesite='Strict', path=_cookie_path(),
                        secure=flask.request.is_secure)
    response.delete_cookie(web.LOGIN_CSRF_COOKIE, path=_cookie_path())
    return response


@bp.post('/logout')
@web.login_required
def logout():
    store = web.ext()['store']
    session = store.delete(web.session().id)
    if session is not None:
        web.ext()['signin'].sign_out(session.identity)
    response = flask.redirect(flask.url_for('dashboard.login'))
    response.delete_cookie(sessions.COOKIE, path=_cookie_path())
    return response


@bp.get('/')
def home():
    return flask.redirect(flask.url_for('dashboard.instances'))
