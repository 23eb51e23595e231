"""The pages around the instances: overview, flavors, images (upload and
download through the Glance v2 API), key pairs and server groups."""
import flask

from nova_core.dashboard import client, quota, validate, web

bp = web.bp
_CHUNK = 1024 * 1024


def _done(message):
    web.flash('success', message)


def _send(label, call, *args):
    """Run ``call`` once per form, flashing the API's error if any."""
    if not web.once():
        return False
    try:
        call(*args)
    except validate.Invalid as exc:
        web.flash('error', str(exc))
    except client.Unauthorized:
        raise
    except client.ApiError as exc:
        web.flash('error', 'Unable to %s: %s' % (label, exc.message))
    else:
        return True
    return False


@bp.get('/overview')
@web.login_required
def overview():
    return flask.render_template(
        'overview.html', bars=quota.bars(web.api().limits()))


@bp.get('/flavors')
@web.login_required
def flavors():
    return flask.render_template('flavors.html', flavors=web.api().flavors())


@bp.get('/images')
@web.login_required
def images():
    return flask.render_template('images.html', images=web.api().images())


@bp.post('/images')
@web.login_required
def image_create():
    """Create an image record; the page's script then uploads its data
    to ``/images/<id>/file`` and shows the progress."""
    form = flask.request.form
    try:
        body = {'name': validate.name(form.get('name'), 'Image name'),
                'disk_format': validate.choice(
                    form.get('disk_format'), ('qcow2', 'raw', 'iso',
                                              'vmdk', 'vdi', 'ami'),
                    'disk format'),
                'container_format': 'bare', 'visibility': 'private'}
        image = web.api().post('/image/v2/images', body)
    except validate.Invalid as exc:
        return flask.jsonify(error=str(exc)), 400
    except client.Unauthorized:
        raise
    except client.ApiError as exc:
        return flask.jsonify(error=exc.message), exc.status
    return flask.jsonify(id=image['id']), 201


@bp.put('/images/<image_id>/file')
@web.login_required
def image_upload(image_id):
    """Stream the browser's upload to Glance's ``PUT .../file``."""
    stream = flask.request.stream
    try:
        web.api().request(
            'PUT', '/image/v2/images/%s/file' % image_id,
            data=iter(lambda: stream.read(_CHUNK), b''),
            headers={'Content-Type': 'application/octet-stream'})
    except client.Unauthorized:
        raise
    except client.ApiError as exc:
        return flask.jsonify(error=exc.message), exc.status
    web.flash('success', 'Image uploaded.')
    return '', 204


@bp.get('/images/<image_id>/file')
@web.login_required
def image_download(image_id):
    response = web.api().request('GET', '/image/v2/images/%s/file'
                                 % image_id, stream=True)
    headers = {'Content-Disposition': 'attachment; filename="%s.img"'
               % image_id}
    if response.headers.get('Content-Length'):
        headers['Content-Length'] = response.headers['Content-Length']
    return flask.Response(response.iter_content(_CHUNK),
                          mimetype='application/octet-stream',
                          headers=headers)


@bp.post('/images/<image_id>/delete')
@web.login_required
def image_delete(image_id):
    if _send('delete image', web.api().delete,
             '/image/v2/images/%s' % image_id):
        _done('Image deleted.')
    return flask.redirect(flask.url_for('dashboard.images'))


@bp.get('/keypairs')
@web.login_required
def keypairs():
    pending = web.session().private_key
    return flask.render_template('keypairs.html',
                                 keypairs=web.api().keypairs(),
                                 pending=pending[0] if pending else None)


@bp.post('/keypairs')
@web.login_required
def keypair_create():
    form = flask.request.form
    created = {}

    def create():
        keypair = {'name': validate.keypair_name(form.get('name'))}
        if form.get('public_key', '').strip():
            keypair['public_key'] = form['public_key'].strip()
        created.update(web.api().post('/os-keypairs', {'keypair': keypair},
                                      version='2.91')['keypair'])
    if _send('create key pair', create):
        if created.get('private_key'):
            # Shown (and downloadable) once, then forgotten.
            web.session().private_key = (created['name'],
                                         created['private_key'])
        _done('Key pair %s %s.' % (created['name'], 'created' if created.get(
            'private_key') else 'imported'))
    return flask.redirect(flask.url_for('dashboard.keypairs'))


@bp.post('/keypairs/private-key')
@web.login_required
def keypair_private():
    """The private key just created, once, as a file."""
    pending, web.session().private_key = web.session().private_key, None
    if pending is None:
        flask.abort(404)
    name, key = pending
    return flask.Response(key, mimetype='application/x-pem-file', headers={
        'Content-Disposition': 'attachment; filename="%s.pem"' % name})


@bp.post('/keypairs/<name>/delete')
@web.login_required
def keypair_delete(name):
    if _send('delete key pair', web.api().delete, '/os-keypairs/' + name):
        _done('Key pair %s deleted.' % name)
    return flask.redirect(flask.url_for('dashboard.keypairs'))


@bp.get('/server-groups')
@web.login_required
def server_groups():
    return flask.render_template('server_groups.html',
                                 groups=web.api().server_groups())


@bp.post('/server-groups')
@web.login_required
def server_group_create():
    form = flask.request.form

    def create():
        web.api().post('/os-server-groups', {'server_group': {
            'name': validate.name(form.get('name'), 'Group name'),
            'policy': validate.choice(form.get('policy'), (
                'affinity', 'anti-affinity', 'soft-affinity',
                'soft-anti-affinity'), 'policy')}})
    if _send('create server group', create):
        _done('Server group created.')
    return flask.redirect(flask.url_for('dashboard.server_groups'))


@bp.post('/server-groups/<group_id>/delete')
@web.login_required
def server_group_delete(group_id):
    if _send('delete server group', web.api().delete,
             '/os-server-groups/' + group_id):
        _done('Server group deleted.')
    return flask.redirect(flask.url_for('dashboard.server_groups'))
