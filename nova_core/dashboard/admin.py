"""Admin pages: every project's instances, hypervisors and compute
services. Only admins see them; the API refuses everyone else anyway."""
import flask

from nova_core.dashboard import client, instances, quota, web

bp = web.bp


@bp.get('/admin/instances')
@web.admin_required
def admin_instances():
    return instances.render_table(all_projects=True)


@bp.get('/admin/hypervisors')
@web.admin_required
def hypervisors():
    rows = []
    for hv in web.api().hypervisors():
        rows.append({'name': hv['hypervisor_hostname'],
                     'type': hv.get('hypervisor_type'),
                     'state': hv.get('state'), 'status': hv.get('status'),
                     'servers': hv.get('running_vms', 0),
                     'bars': [
                         ('VCPUs', hv['vcpus_used'], hv['vcpus'], ''),
                         ('RAM', hv['memory_mb_used'], hv['memory_mb'],
                          'MB'),
                         ('Local disk', hv['local_gb_used'], hv['local_gb'],
                          'GB')]})
    return flask.render_template('hypervisors.html', rows=rows,
                                 percent=quota.percent)


@bp.get('/admin/services')
@web.admin_required
def services():
    return flask.render_template('services.html',
                                 services=web.api().services())


@bp.post('/admin/services/<service_id>')
@web.admin_required
def service_update(service_id):
    form = flask.request.form
    enable = form.get('status') == 'enabled'
    body = {'status': 'enabled' if enable else 'disabled'}
    if not enable and form.get('reason', '').strip():
        body['disabled_reason'] = form['reason'].strip()[:255]
    if web.once():
        try:
            web.api().put('/os-services/%s' % service_id, body,
                          version='2.53')
        except client.Unauthorized:
            raise
        except client.ApiError as exc:
            web.flash('error', 'Unable to update the service: %s'
                      % exc.message)
        else:
            web.flash('success', 'Service %s.' % body['status'])
    return flask.redirect(flask.url_for('dashboard.services'))
