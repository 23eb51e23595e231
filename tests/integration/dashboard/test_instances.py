"""The dashboard in a real browser: the instance workflow of issue 11.

Each step leaves a screenshot (see conftest). Servers change state in the
fake driver after a delay, so rows are seen in transition and then
settling, by themselves, without a page load.
"""
from tests.integration.dashboard.conftest import expect, sign_in

SETTLE_MS = 30000


def _row(page, server_id):
    return page.locator('#row-' + server_id)


def _open_menu(page, server_id):
    menu = _row(page, server_id).locator('details.menu')
    if menu.get_attribute('open') is None:
        menu.locator('summary').click()
    return menu


def _menu_labels(page, server_id):
    menu = _open_menu(page, server_id)
    labels = [t.strip() for t in menu.locator('li').all_inner_texts()]
    menu.locator('summary').click()
    return labels


def _choose(page, server_id, label, confirm=False):
    if confirm:
        page.once('dialog', lambda dialog: dialog.accept())
    menu = _open_menu(page, server_id)
    menu.get_by_text(label, exact=True).click()


def _select(page, select, prefix):
    """Choose the option of ``select`` whose text starts with ``prefix``."""
    for option in page.locator(select + ' option').all():
        if option.inner_text().startswith(prefix):
            page.select_option(select, value=option.get_attribute('value'))
            return
    raise AssertionError('no option %r in %s' % (prefix, select))


def _launch(page, name, count=1, flavor='m1.tiny'):
    page.click('text=Launch Instance')
    page.fill('#id_name', name)
    page.fill('#id_count', str(count))
    _select(page, '#id_flavor', flavor + ' (')
    page.select_option('#id_image', index=1)
    page.shots('launch-dialog-' + name)
    page.click('form#launch button[type=submit]')
    page.wait_for_url('**/dashboard/instances')


def _ids_named(api, name):
    servers = api.get('/servers', params={'name': '^%s$' % name}).json()
    return [s['id'] for s in servers['servers']]


def _status(page, server_id):
    return _row(page, server_id).locator('td.status')


def test_launch_watch_act_and_delete(page, root, api):
    sign_in(page, root, 'demo')
    page.shots('signed-in')
    _launch(page, 'dash-web', count=2)
    first, second = _ids_named(api, 'dash-web')
    # Both rows are there at once, in transition, and settle by
    # themselves: no navigation happens while they do.
    loads = []
    page.on('framenavigated', lambda frame: loads.append(frame.url))
    for server_id in (first, second):
        expect(_status(page, server_id)).to_have_text(
            'ACTIVE', timeout=SETTLE_MS)
    assert loads == []
    page.shots('both-active')

    labels = _menu_labels(page, first)
    assert 'Shut off instance' in labels
    assert 'Start instance' not in labels
    assert 'Reset state to error' not in labels  # admin only

    _choose(page, first, 'Shut off instance', confirm=True)
    expect(_status(page, first)).to_have_text('SHUTOFF', timeout=SETTLE_MS)
    page.shots('stopped')
    labels = _menu_labels(page, first)
    assert 'Start instance' in labels and 'Shut off instance' not in labels

    _choose(page, first, 'Start instance')
    expect(_status(page, first)).to_have_text('ACTIVE', timeout=SETTLE_MS)
    page.shots('started')

    page.click('#row-%s td.name a' % first)
    console = page.locator('pre.console')
    expect(console).not_to_have_text('Loading...', timeout=SETTLE_MS)
    assert console.inner_text().strip()
    expect(page.locator('table.log')).to_contain_text('stop')
    page.shots('console-log')
    page.go_back()

    _choose(page, first, 'Resize instance')
    _select(page, '#f-flavor', 'm1.small (')
    page.shots('resize-form')
    page.click('form.dialog button[type=submit]')
    expect(_status(page, first)).to_have_text('VERIFY_RESIZE',
                                              timeout=SETTLE_MS)
    page.shots('verify-resize')
    _choose(page, first, 'Confirm resize/migrate')
    expect(_status(page, first)).to_have_text('ACTIVE', timeout=SETTLE_MS)
    expect(_row(page, first)).to_contain_text('m1.small')
    page.shots('resized')

    # Delete asks first; dismissing sends nothing.
    page.once('dialog', lambda dialog: dialog.dismiss())
    _open_menu(page, second).get_by_text('Delete instance').click()
    assert second in _ids_named(api, 'dash-web')
    _choose(page, second, 'Delete instance', confirm=True)
    expect(_row(page, second)).to_have_count(0, timeout=SETTLE_MS)
    page.shots('deleted')
    assert page.script_errors == []


def test_double_click_sends_one_request(page, root, api):
    server = api.boot(name='dash-twice', image=_image(api))
    api.wait_for(server['id'], 'ACTIVE')
    sign_in(page, root, 'demo')
    expect(_status(page, server['id'])).to_have_text('ACTIVE',
                                                     timeout=SETTLE_MS)
    posts = []
    page.on('request', lambda r: posts.append(r.url)
            if r.method == 'POST' and r.url.endswith('/action') else None)
    page.once('dialog', lambda dialog: dialog.accept())
    button = _open_menu(page, server['id']).get_by_text('Soft reboot '
                                                        'instance')
    button.dblclick()
    page.wait_for_load_state()
    expect(_status(page, server['id'])).to_have_text('ACTIVE',
                                                     timeout=SETTLE_MS)
    assert len(posts) == 1
    actions = api.get('/servers/%s/os-instance-actions'
                      % server['id']).json()['instanceActions']
    assert [a['action'] for a in actions].count('reboot') == 1
    page.shots('rebooted-once')


def _image(api):
    images = api.as_user(version=None).get('/images').json()['images']
    return images[0]['id']


def test_script_in_a_name_is_text(page, root, api):
    name = '<script>alert(1)</script>'
    server = api.boot(name=name, image=_image(api))
    dialogs = []
    page.on('dialog', lambda dialog: (dialogs.append(dialog.message),
                                      dialog.dismiss()))
    sign_in(page, root, 'demo')
    link = _row(page, server['id']).locator('td.name a')
    expect(link).to_have_text(name)
    page.click('#row-%s td.name a' % server['id'])
    expect(page.locator('h1 .name')).to_have_text(name)
    page.shots('script-name')
    assert dialogs == []
    assert page.script_errors == []


def test_a_failed_build_shows_its_fault(page, root, api):
    sign_in(page, root, 'demo')
    _launch(page, 'fail-build')
    server_id = _ids_named(api, 'fail-build')[0]
    status = _status(page, server_id)
    expect(status).to_contain_text('ERROR', timeout=SETTLE_MS)
    fault = api.server(server_id)['fault']['message']
    expect(status.locator('.fault')).to_have_text(fault)
    labels = _menu_labels(page, server_id)
    assert 'Delete instance' in labels
    assert not {'Shut off instance', 'Start instance',
                'Soft reboot instance'} & set(labels)
    page.shots('error-fault')


def test_instance_page_follows_its_server(page, root, api):
    sign_in(page, root, 'demo')
    server_id = api.boot('dash-page', image=_image(api))['id']
    page.goto('%s/dashboard/instances/%s' % (root, server_id))
    status = page.locator('#instance-live dd.status')
    # Built while the page stays open: no reload.
    loads = []
    page.on('framenavigated', lambda frame: loads.append(frame.url))
    expect(status).to_have_text('ACTIVE', timeout=SETTLE_MS)
    assert loads == []
    page.shots('instance-page-active')

    page.once('dialog', lambda dialog: dialog.accept())
    menu = page.locator('.instance-menu details.menu')
    menu.locator('summary').click()
    menu.get_by_text('Shut off instance', exact=True).click()
    page.wait_for_url('**/instances/%s' % server_id)
    loads.clear()
    expect(status).to_have_text('SHUTOFF', timeout=SETTLE_MS)
    expect(page.locator('#instance-live table.log')).to_contain_text('stop')
    assert loads == []
    page.shots('instance-page-shutoff')
    assert page.script_errors == []
    api.delete('/servers/%s' % server_id)
