"""The menu's actions that need input: snapshot, edit, metadata,
security groups, resize, rebuild, backup and password, each a small form
page of its own."""
import flask

from nova_core.dashboard import client, menu, rows, validate, web

bp = web.bp
FORMS = ('createImage', 'edit', 'metadata', 'securityGroups', 'resize',
         'rebuild', 'createBackup', 'changePassword')
#: Backup types offered (any string is valid for the API).
BACKUP_TYPES = ('daily', 'weekly')
#: The security groups there are: without a networking service, one.
SECURITY_GROUPS = ('default',)


def _choices(key, server):
    if key == 'resize':
        current = (server.get('flavor') or {}).get('original_name')
        return {'flavors': [f for f in web.api().flavors()
                            if f['name'] != current]}
    if key == 'rebuild':
        return {'images': [i for i in web.api().images()
                           if i.get('status') == 'active']}
    return {}


def _send(key, server, form, choices):
    """Validate ``form`` and send ``key``'s request. :raises: Invalid,
    ApiError."""
    api, server_id = web.api(), server['id']
    if key == 'createImage':
        api.action(server_id, {'createImage': {
            'name': validate.name(form.get('name'), 'Snapshot name')}})
    elif key == 'edit':
        api.put('/servers/%s' % server_id, {'server': {
            'name': validate.name(form.get('name')),
            'description': validate.description(form.get('description'))}})
    elif key == 'metadata':
        api.put('/servers/%s/metadata' % server_id, {
            'metadata': validate.metadata(form.get('metadata'))})
    elif key == 'securityGroups':
        _set_security_groups(api, server, form)
    elif key == 'resize':
        flavor = validate.choice(form.get('flavor'),
                                 {f['id'] for f in choices['flavors']},
                                 'new flavor')
        api.action(server_id, {'resize': {'flavorRef': flavor}})
    elif key in ('createBackup', 'changePassword'):
        _send_guest_form(api, server_id, key, form)
    elif key == 'rebuild':
        image = validate.choice(form.get('image'),
                                {i['id'] for i in choices['images']},
                                'image')
        api.action(server_id, {'rebuild': {'imageRef': image}})


def _send_guest_form(api, server_id, key, form):
    if key == 'createBackup':
        rotation = (form.get('rotation') or '').strip()
        if not rotation.isdigit() or int(rotation) > 1000:
            raise validate.Invalid('Rotation must be a number from 0 to '
                                   '1000.')
        api.action(server_id, {'createBackup': {
            'name': validate.name(form.get('name'), 'Backup name'),
            'backup_type': validate.choice(form.get('backup_type'),
                                           BACKUP_TYPES, 'backup type'),
            'rotation': int(rotation)}})
        return
    password = form.get('password') or ''
    if not password or len(password) > 255:
        raise validate.Invalid('A password of 1 to 255 characters is '
                               'needed.')
    if password != form.get('confirm_password'):
        raise validate.Invalid('The passwords do not match.')
    api.action(server_id, {'changePassword': {'adminPass': password}})


def _member_of(server):
    return {g.get('name') for g in server.get('security_groups') or []}


def _set_security_groups(api, server, form):
    """Add the ticked groups the server is not in and remove the others
    it is in, one API action each (``addSecurityGroup`` /
    ``removeSecurityGroup``)."""
    wanted = set(form.getlist('group'))
    if not wanted <= set(SECURITY_GROUPS):
        raise validate.Invalid('Unknown security group.')
    current = _member_of(server)
    for name in sorted(wanted - current):
        api.action(server['id'], {'addSecurityGroup': {'name': name}})
    for name in sorted(current - wanted):
        api.action(server['id'], {'removeSecurityGroup': {'name': name}})


@bp.route('/instances/<server_id>/form/<key>', methods=['GET', 'POST'])
@web.login_required
def server_form(server_id, key):
    if key not in FORMS:
        flask.abort(404)
    server = web.api().server(server_id)
    choices = _choices(key, server)
    error = None
    if flask.request.method == 'POST':
        if not web.once():
            return web.back()
        try:
            _send(key, server, flask.request.form, choices)
        except validate.Invalid as exc:
            error = str(exc)
        except client.Unauthorized:
            raise
        except client.ApiError as exc:
            error = exc.message
        else:
            web.session().watch(server_id)
            web.flash('success', '%s: request sent.'
                      % menu.BY_KEY[key].label)
            return web.back()
    metadata = '\n'.join('%s=%s' % kv for kv in sorted(
        (server.get('metadata') or {}).items()))
    return flask.render_template(
        'server_form.html', key=key, item=menu.BY_KEY[key], server=server,
        error=error, form=flask.request.form, metadata=metadata,
        security_groups=SECURITY_GROUPS, backup_types=BACKUP_TYPES,
        member_of=_member_of(server),
        flavor_text=rows.flavor_text, next=flask.request.values.get(
            'next', ''), **choices), 400 if error else 200
