"""Nova's error bodies for nova-core's exceptions."""
import flask
import pytest

from nova_core import exception
from nova_core.api import errors


def _answer(exc):
    app = flask.Flask(__name__)
    errors.register(app)

    @app.route('/')
    def fail():
        raise exc

    return app.test_client().get('/')


@pytest.mark.parametrize('cls', [
    c for c in vars(exception).values()
    if isinstance(c, type) and issubclass(c, exception.NovaCoreException)
    and c.code == 501])
def test_not_implemented_shows_novas_message(cls):
    # Nova answers its NotImplementedErrors with a message of its own,
    # never the "unexpected error" of a 500.
    response = _answer(cls())
    assert response.status_code == 501
    assert response.get_json() == {'notImplemented': {
        'code': 501, 'message': cls.msg_fmt}}


def test_unsafe_server_error_hides_its_message():
    response = _answer(exception.NovaCoreException('secret detail'))
    assert response.status_code == 500
    assert 'secret' not in response.get_data(as_text=True)
