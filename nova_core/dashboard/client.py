"""The dashboard's client of the Compute API (and the Glance v2 API the
same service serves), over HTTP with the signed-in user's token only.

Errors come back as :class:`ApiError` carrying the API's own message
(Nova's ``{"conflictingRequest": {"message": ...}}`` body, or Glance's
plain text); a 401 is :class:`Unauthorized`, which sends the user back to
sign in.
"""
import requests

#: The microversion the dashboard speaks.
VERSION = '2.100'


class ApiError(Exception):
    """The API refused a request; ``message`` is its own wording."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status, self.message = status, message


class Unauthorized(ApiError):
    """The token is missing, expired or revoked (401)."""


def error_message(response):
    """The human message of an error response, as Nova or Glance word it."""
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip()
        return text.splitlines()[-1][:500] if text else response.reason
    if isinstance(body, dict) and len(body) == 1:
        inner = next(iter(body.values()))
        if isinstance(inner, dict) and 'message' in inner:
            return str(inner['message'])
    if isinstance(body, dict) and 'message' in body:
        return str(body['message'])
    return response.reason or 'HTTP %s' % response.status_code


class ComputeClient:
    """Speaks to ``endpoint`` (``.../v2.1``) as the owner of ``token``."""

    def __init__(self, endpoint, token, timeout=30, http=None):
        self.endpoint = endpoint.rstrip('/')
        self.root = self.endpoint.rsplit('/v2.1', 1)[0]
        self.token, self.timeout = token, timeout
        self.http = http or requests.Session()

    def request(self, method, path, version=VERSION, expect=None, **kwargs):
        """One request; ``path`` under the compute endpoint unless it
        starts with ``/image``. :raises: ApiError, Unauthorized."""
        base = self.root if path.startswith('/image') else self.endpoint
        headers = {'X-Auth-Token': self.token, 'Accept': 'application/json'}
        if version and not path.startswith('/image'):
            headers['OpenStack-API-Version'] = 'compute ' + version
        headers.update(kwargs.pop('headers', {}))
        try:
            response = self.http.request(method, base + path,
                                         headers=headers,
                                         timeout=self.timeout, **kwargs)
        except requests.RequestException as exc:
            raise ApiError(503, 'The Compute API cannot be reached: %s'
                           % exc) from exc
        if response.status_code == 401:
            raise Unauthorized(401, error_message(response))
        if response.status_code >= 400:
            raise ApiError(response.status_code, error_message(response))
        return response

    def get(self, path, **kwargs):
        response = self.request('GET', path, **kwargs)
        return response.json() if response.content else {}

    def post(self, path, body=None, **kwargs):
        response = self.request('POST', path, json=body, **kwargs)
        if response.content and 'json' in response.headers.get(
                'Content-Type', ''):
            return response.json()
        return {}

    def put(self, path, body=None, **kwargs):
        response = self.request('PUT', path, json=body, **kwargs)
        if response.content and 'json' in response.headers.get(
                'Content-Type', ''):
            return response.json()
        return {}

    def delete(self, path, **kwargs):
        self.request('DELETE', path, **kwargs)

    # --- servers -----------------------------------------------------------

    def servers(self, **params):
        """One page of ``/servers/detail`` and the marker of the next."""
        body = self.get('/servers/detail', params=params)
        links = body.get('servers_links') or []
        servers = body['servers']
        next_marker = servers[-1]['id'] if links and servers else None
        return servers, next_marker

    def server(self, server_id):
        return self.get('/servers/%s' % server_id)['server']

    def action(self, server_id, body):
        return self.post('/servers/%s/action' % server_id, body)

    def console(self, server_id, length=None):
        return self.action(server_id, {'os-getConsoleOutput': {
            'length': length}})['output']

    def instance_actions(self, server_id):
        actions = self.get('/servers/%s/os-instance-actions'
                           % server_id)['instanceActions']
        for action in actions:
            action['events'] = self.get(
                '/servers/%s/os-instance-actions/%s' % (
                    server_id, action['request_id'])
            )['instanceAction'].get('events', [])
        return actions

    # --- resources around servers -----------------------------------------

    def flavors(self):
        return self.get('/flavors/detail')['flavors']

    def images(self):
        """Images as Glance v2 lists them, all pages."""
        images, path = [], '/image/v2/images?limit=1000'
        while path:
            body = self.get(path)
            images.extend(body['images'])
            path = body.get('next')
            if path and not path.startswith('/image'):
                path = '/image' + path
        return images

    def keypairs(self):
        return [k['keypair'] for k in self.get('/os-keypairs')['keypairs']]

    def server_groups(self):
        return self.get('/os-server-groups')['server_groups']

    def limits(self):
        return self.get('/limits')['limits']['absolute']

    def hypervisors(self):
        return self.get('/os-hypervisors/detail',
                        version='2.87')['hypervisors']

    def services(self):
        return self.get('/os-services')['services']
