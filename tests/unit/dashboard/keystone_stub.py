"""A small real HTTP server on loopback answering like Keystone's
``/v3/auth/tokens`` (password method, project scope), for unit tests."""
import threading
import uuid

import flask
from werkzeug.serving import make_server

USERS = {('alice', 'secret'): ['member', 'reader'],
         ('root', 'rootpw'): ['admin', 'member', 'reader']}


class KeystoneStub:
    def __init__(self):
        self.issued, self.revoked, self.requests = {}, [], []
        app = flask.Flask(__name__)
        app.add_url_rule('/v3/auth/tokens', 'issue', self.issue,
                         methods=['POST'])
        app.add_url_rule('/v3/auth/tokens', 'revoke', self.revoke,
                         methods=['DELETE'])
        self.server = make_server('127.0.0.1', 0, app, threaded=True)
        self.url = 'http://127.0.0.1:%d' % self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()

    def issue(self):
        body = flask.request.get_json()
        self.requests.append(body)
        auth = body['auth']
        user = auth['identity']['password']['user']
        project = auth['scope']['project']
        roles = USERS.get((user['name'], user['password']))
        if auth['identity']['methods'] != ['password'] or roles is None:
            return flask.jsonify(error={
                'code': 401, 'title': 'Unauthorized',
                'message': 'The request you have made requires '
                           'authentication.'}), 401
        token = uuid.uuid4().hex
        self.issued[token] = user['name']
        return flask.jsonify(token={
            'methods': ['password'],
            'user': {'id': 'u-' + user['name'], 'name': user['name'],
                     'domain': {'id': 'default', 'name': 'Default'}},
            'project': {'id': 'p-' + project['name'],
                        'name': project['name'],
                        'domain': {'id': 'default', 'name': 'Default'}},
            'roles': [{'id': r, 'name': r} for r in roles],
            'expires_at': '2099-01-01T00:00:00.000000Z'}), 201, {
                'X-Subject-Token': token}

    def revoke(self):
        subject = flask.request.headers.get('X-Subject-Token')
        if flask.request.headers.get('X-Auth-Token') not in self.issued or \
                subject not in self.issued:
            return '', 404
        del self.issued[subject]
        self.revoked.append(subject)
        return '', 204
