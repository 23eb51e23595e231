"""Server-side sessions: ids, expiry, CSRF and one-time form nonces."""
from nova_core.dashboard import sessions, signin

IDENTITY = signin.Identity('demo:demo', 'demo', 'demo', ('member',), False)


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_sessions_have_random_ids_and_csrf_tokens():
    store = sessions.SessionStore(60)
    one, two = store.create(IDENTITY), store.create(IDENTITY)
    assert one.id != two.id and one.csrf != two.csrf
    assert len(one.id) >= 40 and one.csrf != one.id
    assert store.get(one.id) is one
    assert store.get('forged') is None and store.get(None) is None


def test_session_expires_after_timeout_without_use():
    clock = Clock()
    store = sessions.SessionStore(60, clock)
    session = store.create(IDENTITY)
    clock.now += 59
    assert store.get(session.id) is session  # use renews it
    clock.now += 59
    assert store.get(session.id) is session
    clock.now += 61
    assert store.get(session.id) is None
    assert len(store) == 0


def test_delete_ends_the_session():
    store = sessions.SessionStore(60)
    session = store.create(IDENTITY)
    assert store.delete(session.id) is session
    assert store.get(session.id) is None


def test_csrf_check():
    session = sessions.SessionStore(60).create(IDENTITY)
    assert session.check_csrf(session.csrf)
    assert not session.check_csrf('')
    assert not session.check_csrf(None)
    assert not session.check_csrf(session.csrf + 'x')
    assert not session.check_csrf(session.id)


def test_a_form_nonce_acts_once():
    session = sessions.SessionStore(60).create(IDENTITY)
    assert session.first_use('n1')
    assert not session.first_use('n1')
    assert session.first_use('n2')


def test_old_nonces_are_forgotten_beyond_the_limit():
    session = sessions.SessionStore(60).create(IDENTITY)
    for n in range(sessions._NONCES_KEPT + 1):
        session.first_use('n%d' % n)
    assert session.first_use('n0')  # the oldest was dropped
    assert not session.first_use('n%d' % sessions._NONCES_KEPT)


def test_watched_rows_poll_for_a_while():
    session = sessions.SessionStore(60).create(IDENTITY)
    session.watch('s1', seconds=10, now=100)
    assert session.watched('s1', now=105)
    assert not session.watched('s1', now=111)
    assert not session.watched('s2', now=105)
