"""``/os-keypairs``: a user's SSH keys and x509 certificates.

Keys belong to a user, not a project: every call acts on the caller's own
keys unless an admin names another user (``user_id``, 2.10). Until 2.92 a
key pair may be generated here, its private key returned once and never
stored; from 2.92 on keys are only imported.
"""
import flask

from nova_core import crypto, exception, policy, quota
from nova_core.api import links, request, validation
from nova_core.api.schemas import keypairs as schemas
from nova_core.api.views import keypairs as views
from nova_core.db import keypairs as db_keypairs

bp = flask.Blueprint('keypairs', __name__)


def _user_id(params, ctx):
    return validation.single(params, 'user_id') or ctx.user_id


def _authorize(ctx, action, user_id):
    policy.authorize(ctx, 'os_compute_api:os-keypairs:%s' % action,
                     {'user_id': user_id, 'project_id': ctx.project_id})


def _check_name(name, version):
    allowed = schemas.name_chars(version)
    if any(c not in allowed for c in name):
        raise exception.ValidationError(
            detail="Invalid input for field/attribute name. Value: %s. An "
                   "invalid 'name' value was provided. The name must be: "
                   "Only expected characters: [%s]" % (name, allowed))


def _quota(ctx, user_id, count):
    """The ``key_pairs`` quota, counted for the key's user.

    :raises: OverQuota (403) "Quota exceeded, too many key pairs."
    """
    quota.check_deltas(ctx, ctx.project_id, user_id, key_pairs=count)


@bp.post('/os-keypairs')
@validation.schema(body=schemas.create)
def create():
    ctx, version = request.context(), request.version()
    params = validation.body()['keypair']
    _check_name(params['name'], version)
    user_id = params.get('user_id') or ctx.user_id
    _authorize(ctx, 'create', user_id)
    key_type = params.get('type', 'ssh')
    private_key = None
    if 'public_key' in params:
        public_key = params['public_key']
        fingerprint = crypto.fingerprint(key_type, public_key)
    else:
        private_key, public_key, fingerprint = crypto.generate_keypair(
            key_type, user_id)
    _quota(ctx, user_id, 1)
    keypair = db_keypairs.create({
        'name': params['name'], 'user_id': user_id, 'type': key_type,
        'public_key': public_key, 'fingerprint': fingerprint})
    if request.conf().quota.recheck_quota:
        try:
            _quota(ctx, user_id, 0)
        except exception.OverQuota:
            db_keypairs.destroy(user_id, keypair['name'])
            raise
    body = {'keypair': views.created(keypair, version, private_key)}
    return flask.jsonify(body), 201 if version.matches('2.2') else 200


@bp.get('/os-keypairs')
@validation.schema(query=schemas.index_query)
def index():
    ctx, version = request.context(), request.version()
    params = validation.query()
    user_id = _user_id(params, ctx)
    _authorize(ctx, 'index', user_id)
    limit = marker = None
    if version.matches('2.35'):
        limit = validation.page_limit(params, request.conf().api.max_limit,
                                      request.conf().api.max_limit)
        marker = validation.single(params, 'marker')
    try:
        keypairs = db_keypairs.get_all(user_id, limit, marker)
    except exception.MarkerNotFound as exc:
        raise exception.ValidationError(detail=exc.format_message())
    body = {'keypairs': [views.listed(k, version) for k in keypairs]}
    next_link = links.next_link(keypairs, limit, id_key='name')
    if next_link:
        body['keypairs_links'] = [next_link]
    return flask.jsonify(body)


@bp.get('/os-keypairs/<name>')
@validation.schema(query=schemas.query)
def show(name):
    ctx, version = request.context(), request.version()
    user_id = _user_id(validation.query(), ctx)
    _authorize(ctx, 'show', user_id)
    keypair = db_keypairs.get(user_id, name)
    return flask.jsonify({'keypair': views.show(keypair, version)})


@bp.delete('/os-keypairs/<name>')
@validation.schema(query=schemas.query)
def delete(name):
    ctx, version = request.context(), request.version()
    user_id = _user_id(validation.query(), ctx)
    _authorize(ctx, 'delete', user_id)
    db_keypairs.destroy(user_id, name)
    return '', 204 if version.matches('2.2') else 202
