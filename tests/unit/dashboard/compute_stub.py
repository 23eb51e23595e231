"""A Compute API stand-in on loopback: enough of /v2.1 for the
dashboard's pages, recording what it is sent. The token ``expired:x``
gets 401, as an expired Keystone token would."""
import threading

import flask
from werkzeug.serving import make_server

SERVER = {
    'id': 's1', 'name': '<script>alert(1)</script>', 'status': 'ACTIVE',
    'tenant_id': 'demo', 'hostId': 'h', 'image': {'id': 'i1'},
    'flavor': {'original_name': 'm1.tiny', 'vcpus': 1, 'ram': 512,
               'disk': 1},
    'addresses': {}, 'key_name': None, 'created': '2026-01-01T00:00:00Z',
    'OS-EXT-AZ:availability_zone': 'nova', 'OS-EXT-STS:vm_state': 'active',
    'OS-EXT-STS:task_state': None, 'OS-EXT-STS:power_state': 1,
    'locked': False, 'metadata': {}}


class ComputeStub:
    def __init__(self):
        self.sent = []
        app = flask.Flask(__name__)
        app.before_request(self._auth)
        app.add_url_rule('/v2.1/servers/detail', 'detail', self.detail)
        app.add_url_rule('/v2.1/servers/<sid>', 'show', self.show)
        app.add_url_rule('/v2.1/servers/<sid>/action', 'action',
                         self.action, methods=['POST'])
        app.add_url_rule('/image/v2/images', 'images', self.images)
        self.server = make_server('127.0.0.1', 0, app, threaded=True)
        self.endpoint = 'http://127.0.0.1:%d/v2.1' % self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()

    def _auth(self):
        if flask.request.headers.get('X-Auth-Token') == 'expired:x':
            return flask.jsonify(error={'code': 401, 'message':
                                        'Authentication required'}), 401
        return None

    def detail(self):
        return flask.jsonify(servers=[SERVER])

    def show(self, sid):
        if sid == 'gone':
            return flask.jsonify(itemNotFound={
                'code': 404, 'message': 'Instance gone could not be '
                                        'found.'}), 404
        return flask.jsonify(server=SERVER)

    def action(self, sid):
        self.sent.append((sid, flask.request.get_json()))
        if 'os-start' in flask.request.get_json():
            return flask.jsonify(conflictingRequest={
                'code': 409, 'message': "Cannot 'start' instance s1 while "
                                        "it is in vm_state active"}), 409
        return '', 202

    def images(self):
        return flask.jsonify(images=[{'id': 'i1', 'name': 'cirros',
                                      'status': 'active'}])
