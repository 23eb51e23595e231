"""Who sees what: members see no admin pages; admins see every project,
hypervisors and services; signing out ends the session."""
from tests.integration.dashboard.conftest import expect, sign_in


def test_member_sees_no_admin_pages(page, root):
    sign_in(page, root, 'member1', 'proj1')
    expect(page.locator('nav')).not_to_contain_text('Hypervisors')
    for path in ('admin/instances', 'admin/hypervisors', 'admin/services'):
        response = page.goto(root + '/dashboard/' + path)
        assert response.status == 403
    page.shots('member-forbidden')


def test_admin_pages(page, root):
    sign_in(page, root, 'admin')
    page.click('nav >> text=Hypervisors')
    expect(page.locator('.hypervisor progress').first).to_be_visible()
    page.shots('hypervisors')
    page.click('nav >> text=Compute Services')
    row = page.locator('tr', has_text='nova-compute')
    expect(row).to_contain_text('Up')
    row.locator('input[name=reason]').fill('maintenance')
    row.get_by_text('Disable Service').click()
    expect(row).to_contain_text('Disabled (maintenance)')
    page.shots('service-disabled')
    row.get_by_text('Enable Service').click()
    expect(row).to_contain_text('Enabled')
    page.click('nav >> text=All Instances')
    expect(page.locator('th', has_text='Project')).to_be_visible()
    page.shots('all-instances')


def test_sign_out_ends_the_session(page, root):
    sign_in(page, root, 'demo')
    page.click('header button:text("Sign out")')
    page.wait_for_url('**/dashboard/login')
    page.goto(root + '/dashboard/instances')
    assert '/dashboard/login' in page.url
    page.shots('signed-out')


def test_headers_forbid_inline_script(page, root):
    response = page.goto(root + '/dashboard/login')
    csp = response.headers['content-security-policy']
    assert "script-src 'self'" in csp and 'unsafe-inline' not in csp
    cookie_page = sign_in(page, root, 'demo')  # noqa: F841
    cookies = {c['name']: c for c in page.context.cookies()}
    session = cookies['nova_core_dashboard']
    assert session['httpOnly'] and session['sameSite'] == 'Strict'
    assert page.evaluate('document.cookie') == ''
