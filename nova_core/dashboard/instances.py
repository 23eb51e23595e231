"""The instances table, its self-updating rows, the actions of its menus
(one server or several) and the instance page."""
import flask

from nova_core.dashboard import client, menu, rows, web

bp = web.bp


def _image_names():
    try:
        return {i['id']: i.get('name') or i['id']
                for i in web.api().images()}
    except client.ApiError:
        return {}


def _row(server, names, me):
    row = rows.row(server, names, me.roles, me.is_admin)
    row['transition'] = row['transition'] or web.session().watched(
        server['id'])
    return row


def _list_params(args, all_projects):
    params = {'limit': web.conf().dashboard.page_size}
    sort_keys = {c[2] for c in rows.COLUMNS if c[2]}
    key = args.get('sort', 'created_at')
    if key in sort_keys:
        params['sort_key'] = key
        params['sort_dir'] = 'asc' if args.get('dir') == 'asc' else 'desc'
    field, value = args.get('field'), args.get('q', '').strip()
    if value and field in dict(rows.FILTERS):
        params[field] = value
    if args.get('marker'):
        params['marker'] = args['marker']
    if all_projects:
        params['all_tenants'] = 1
    return params


def render_table(all_projects=False):
    me = web.identity()
    args = flask.request.args
    error, servers, next_marker = None, [], None
    try:
        servers, next_marker = web.api().servers(
            **_list_params(args, all_projects))
    except client.Unauthorized:
        raise
    except client.ApiError as exc:
        error = exc.message
    names = _image_names() if servers else {}
    table = [_row(s, names, me) for s in servers]
    columns = [c for c in rows.COLUMNS
               if all_projects or c[0] != 'project']
    return flask.render_template(
        'instances.html', rows=table, columns=columns, error=error,
        filters=rows.FILTERS, args=args, next_marker=next_marker,
        all_projects=all_projects, batch=[menu.BY_KEY[k]
                                          for k in menu.BATCH])


@bp.get('/instances')
@web.login_required
def instances():
    return render_table()


@bp.get('/instances/rows')
@web.login_required
def instance_rows():
    """The rows of the servers named by ``id``, for the table's polling;
    a server gone meanwhile comes back as a row saying so."""
    me, table, gone = web.identity(), [], []
    names = None
    for server_id in flask.request.args.getlist('id')[:50]:
        try:
            server = web.api().server(server_id)
        except client.Unauthorized:
            raise
        except client.ApiError as exc:
            if exc.status == 404:
                gone.append(server_id)
                continue
            raise
        if names is None:
            names = _image_names()
        table.append(_row(server, names, me))
    columns = [c for c in rows.COLUMNS
               if flask.request.args.get('all') or c[0] != 'project']
    return flask.render_template('_rows.html', rows=table, gone=gone,
                                 columns=columns)


def run(server_id, key):
    """Send the click action ``key`` to ``server_id``."""
    if key == 'delete':
        web.api().delete('/servers/%s' % server_id)
    else:
        web.api().action(server_id, menu.api_body(key))
    web.session().watch(server_id)


@bp.post('/instances/<server_id>/action')
@web.login_required
def action(server_id):
    key = flask.request.form.get('key')
    item = menu.BY_KEY.get(key)
    if item is None or item.form:
        flask.abort(404)
    if item.confirm and not flask.request.form.get('confirmed'):
        return flask.render_template('confirm.html', items=[item],
                                     ids=[server_id], key=key,
                                     next=flask.request.form.get('next'))
    if web.once():
        try:
            run(server_id, key)
        except client.Unauthorized:
            raise
        except client.ApiError as exc:
            web.flash('error', 'Unable to %s: %s' % (item.label.lower(),
                                                     exc.message))
        else:
            web.flash('success', '%s: request sent.' % item.label)
    if key in ('delete', 'forceDelete') and server_id in \
            flask.request.form.get('next', ''):
        return flask.redirect(flask.url_for('dashboard.instances'))
    return web.back()


@bp.post('/instances/batch')
@web.login_required
def batch():
    """One action (start, stop, reboot, delete) on the selected rows."""
    key = flask.request.form.get('key')
    ids = flask.request.form.getlist('id')
    if key not in menu.BATCH:
        flask.abort(404)
    item = menu.BY_KEY[key]
    if not ids:
        web.flash('error', 'Select one or more instances first.')
        return web.back()
    if item.confirm and not flask.request.form.get('confirmed'):
        return flask.render_template('confirm.html', items=[item], ids=ids,
                                     key=key, batch=True,
                                     next=flask.request.form.get('next'))
    if web.once():
        failed = []
        for server_id in ids:
            try:
                run(server_id, key)
            except client.Unauthorized:
                raise
            except client.ApiError as exc:
                failed.append('%s: %s' % (server_id, exc.message))
        sent = len(ids) - len(failed)
        if sent:
            web.flash('success', '%s: request sent for %d instance%s.' % (
                item.label, sent, '' if sent == 1 else 's'))
        for message in failed:
            web.flash('error', 'Unable to %s %s' % (item.label.lower(),
                                                   message))
    return web.back()


@bp.get('/instances/<server_id>')
@web.login_required
def instance(server_id):
    me = web.identity()
    server = web.api().server(server_id)
    names = _image_names()
    try:
        log = web.api().instance_actions(server_id)
    except client.ApiError as exc:
        log, log_error = [], exc.message
    else:
        log_error = None
    return flask.render_template(
        'instance.html', server=server,
        row=rows.row(server, names, me.roles, me.is_admin),
        log=log, log_error=log_error)


@bp.get('/instances/<server_id>/console')
@web.login_required
def console(server_id):
    """The console log, as text: the instance page polls it."""
    length = flask.request.args.get('length', type=int)
    try:
        output = web.api().console(server_id, length)
    except client.Unauthorized:
        raise
    except client.ApiError as exc:
        return flask.Response(exc.message, exc.status if exc.status in (
            404, 409) else 502, mimetype='text/plain')
    return flask.Response(output, mimetype='text/plain')
