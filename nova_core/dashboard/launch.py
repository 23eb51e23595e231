"""The launch dialog: a server (or several) from a flavor and an image,
with the project's quota before and after."""
import flask

from nova_core.dashboard import client, quota, validate, web

bp = web.bp


def _choices():
    api = web.api()
    return {'flavors': api.flavors(),
            'images': [i for i in api.images()
                       if i.get('status') == 'active'],
            'keypairs': api.keypairs(), 'groups': api.server_groups(),
            'limits': api.limits()}


def _body(form, choices):
    """The body of POST /servers for ``form``. :raises: Invalid."""
    flavors = {f['id']: f for f in choices['flavors']}
    flavor = flavors[validate.choice(form.get('flavor'), flavors,
                                     'flavor')]
    image = validate.choice(form.get('image'),
                            {i['id'] for i in choices['images']}, 'image')
    count = validate.count(form.get('count'))
    message = quota.over_quota(choices['limits'], flavor, count)
    if message:
        raise validate.Invalid(message)
    server = {'name': validate.name(form.get('name'), 'Instance name'),
              'flavorRef': flavor['id'], 'imageRef': image,
              'networks': 'none', 'min_count': count, 'max_count': count}
    description = validate.description(form.get('description'))
    if description:
        server['description'] = description
    if form.get('key_name'):
        server['key_name'] = validate.choice(
            form['key_name'], {k['name'] for k in choices['keypairs']},
            'key pair')
    metadata = validate.metadata(form.get('metadata'))
    if metadata:
        server['metadata'] = metadata
    user_data = validate.user_data(form.get('user_data'))
    if user_data:
        server['user_data'] = user_data
    body = {'server': server}
    if form.get('group'):
        body['os:scheduler_hints'] = {'group': validate.choice(
            form['group'], {g['id'] for g in choices['groups']},
            'server group')}
    return body


@bp.route('/launch', methods=['GET', 'POST'])
@web.login_required
def launch():
    choices = _choices()
    error = None
    form = flask.request.form
    if flask.request.method == 'POST':
        if not web.once():
            return flask.redirect(flask.url_for('dashboard.instances'))
        try:
            web.api().post('/servers', _body(form, choices))
        except validate.Invalid as exc:
            error = str(exc)
        except client.Unauthorized:
            raise
        except client.ApiError as exc:
            error = exc.message
        else:
            web.flash('success', 'Launching %s.' % form.get('name'))
            return flask.redirect(flask.url_for('dashboard.instances'))
    return flask.render_template(
        'launch.html', error=error, form=form,
        bars=quota.bars(choices['limits']), **choices), 400 if error else 200
