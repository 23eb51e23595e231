"""A guest's noVNC console in a real browser: the URL the API gives
opens noVNC's vnc_lite.html (from Debian's novnc, served by the noVNC
proxy of nova-core-all), which connects through the proxy to the fake
guest's VNC server and draws its screen.

Lives beside the dashboard's browser tests for their Chromium and cloud
(see conftest); noVNC missing fails under CI and skips elsewhere.
"""
import os

from nova_core.bootstrap import STARTER_IMAGE
from nova_core.conf import CONF
from tests.fixtures.services import require
from tests.integration.dashboard.conftest import expect

#: (x, y) -> RGBA the fake guest's screen has there (see
#: nova_core_drivers.fake.rfb.screen).
PIXELS = {(0, 0): [255, 0, 0, 255], (20, 10): [0, 255, 0, 255],
          (40, 10): [0, 0, 255, 255], (63, 0): [255, 255, 255, 255],
          (0, 47): [0, 0, 0, 255]}

PIXEL_IS = """([x, y, want]) => {
    const canvas = document.querySelector('#screen canvas');
    return canvas !== null && canvas.getContext('2d')
        .getImageData(x, y, 1, 1).data.join() === want.join();
}"""


def _vnc_url(api, name):
    images = api.as_user(version=None).get(
        '/images', params={'name': STARTER_IMAGE}).json()
    server_id = api.boot(name, image=images['images'][0]['id'])['id']
    api.wait_for(server_id, 'ACTIVE', timeout=60)
    response = api.post('/servers/%s/remote-consoles' % server_id, json={
        'remote_console': {'protocol': 'vnc', 'type': 'novnc'}})
    assert response.status_code == 200, response.text
    return server_id, response.json()['remote_console']['url']


def test_novnc_page_connects_and_draws_the_screen(page, api):
    require(os.path.isdir(CONF.web), 'noVNC is not installed at %s '
            '(apt-get install novnc)' % CONF.web)
    server_id, url = _vnc_url(api, 'novnc-browser')
    try:
        page.goto(url)
        expect(page.locator('#status')).to_have_text(
            'Connected to nova-core fake guest')
        canvas = page.locator('#screen canvas')
        expect(canvas).to_have_attribute('width', '64')
        expect(canvas).to_have_attribute('height', '48')
        for (x, y), rgba in PIXELS.items():
            page.wait_for_function(PIXEL_IS, arg=[x, y, rgba])
        page.keyboard.type('ls\n')  # keys and pointer: the session lives
        canvas.click()
        page.shots('novnc-connected')
        expect(page.locator('#status')).to_have_text(
            'Connected to nova-core fake guest')
        assert page.script_errors == []
        # The token opened that one connection: loaded again, refused.
        page.reload()
        expect(page.locator('#status')).to_have_text(
            'Something went wrong, connection is closed')
        page.shots('novnc-token-spent')
    finally:
        api.delete('/servers/%s' % server_id)
