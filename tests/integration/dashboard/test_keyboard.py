"""A keyboard-only pass: sign in and launch without the mouse."""
from tests.integration.dashboard.conftest import expect


def _tab_to(page, predicate, limit=80):
    for _ in range(limit):
        page.keyboard.press('Tab')
        if page.evaluate(predicate):
            return
    raise AssertionError('focus never reached %s' % predicate)


def test_sign_in_and_launch_by_keyboard(page, root, api):
    page.goto(root + '/dashboard/')
    # The user name field has the focus from the start.
    page.keyboard.type('kbd')
    page.keyboard.press('Tab')
    page.keyboard.type('kbdproject')
    page.keyboard.press('Enter')
    page.wait_for_url('**/dashboard/instances')
    page.shots('keyboard-signed-in')
    _tab_to(page, "document.activeElement.textContent.trim() === "
                  "'Launch Instance'")
    page.keyboard.press('Enter')
    page.wait_for_url('**/dashboard/launch')
    _tab_to(page, "document.activeElement.id === 'id_name'")
    page.keyboard.type('by-keyboard')
    _tab_to(page, "document.activeElement.id === 'id_flavor'")
    page.keyboard.press('ArrowDown')
    _tab_to(page, "document.activeElement.id === 'id_image'")
    page.keyboard.press('ArrowDown')
    page.shots('keyboard-launch')
    _tab_to(page, "document.activeElement.type === 'submit'")
    page.keyboard.press('Enter')
    page.wait_for_url('**/dashboard/instances')
    expect(page.locator('td.name', has_text='by-keyboard')).to_be_visible()
    page.shots('keyboard-launched')
    servers = api.as_user('kbd:kbdproject').get('/servers').json()
    assert [s['name'] for s in servers['servers']] == ['by-keyboard']
