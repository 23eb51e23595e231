"""Time to first render of the dashboard's instances page with 50 and
1,000 servers, and the page's weight on a cold load.

Starts ``nova-core-all`` as a child process on a fresh state directory
(as ``bench/boot.py`` does), boots the servers through the API, then
drives Debian's headless Chromium (``/usr/bin/chromium``) with
Playwright: sign in once, then load ``/dashboard/instances`` ``--rounds``
times and read the browser's own timings (navigation start to first
contentful paint; to the HTML's last byte). The cold-load weight is the
bytes on the wire (headers and bodies, Chrome's ``encodedDataLength``)
of one load in a fresh browser context with an empty cache.

    python bench/dashboard.py --sizes 50,1000 --rounds 10
"""
import argparse
import os
import statistics
import sys
import tempfile

import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import boot  # noqa: E402  (bench/boot.py: the cloud and its helpers)

CHROMIUM = os.environ.get('NOVA_CORE_CHROMIUM', '/usr/bin/chromium')
ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run']
BATCH = 50


def boot_up_to(session, endpoint, total, have, flavor, image):
    """Boot servers (``BATCH`` per request) until ``total`` exist."""
    while have < total:
        count = min(BATCH, total - have)
        response = session.post(endpoint + '/servers', headers=boot.HEADERS,
                                json={'server': {
                                    'name': 'bench-%d' % have,
                                    'flavorRef': flavor, 'imageRef': image,
                                    'networks': 'none', 'min_count': count,
                                    'max_count': count}})
        response.raise_for_status()
        have += count
    boot.wait_active(session, endpoint, timeout=600)
    return have


def sign_in(context, root):
    page = context.new_page()
    page.goto(root + '/dashboard/login')
    page.fill('input[name=username]', 'bench')
    page.fill('input[name=project]', 'bench')
    page.click('button[type=submit]')
    page.wait_for_url('**/dashboard/instances')
    page.close()


_TIMINGS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  return {html: nav.responseEnd - nav.startTime,
          paint: paint ? paint.startTime : null};
}"""


def first_render(context, url, rounds):
    """(median ms to first contentful paint, median ms to the HTML's end,
    rows shown)."""
    paints, htmls, rows = [], [], 0
    for _ in range(rounds):
        page = context.new_page()
        page.goto(url)
        page.wait_for_function("() => performance.getEntriesByName("
                               "'first-contentful-paint').length > 0")
        timings = page.evaluate(_TIMINGS)
        paints.append(timings['paint'])
        htmls.append(timings['html'])
        rows = page.locator('table.instances tbody tr[data-id]').count()
        page.close()
    return statistics.median(paints), statistics.median(htmls), rows


def cold_weight(browser, root, url):
    """Bytes on the wire of one load with an empty cache."""
    context = browser.new_context()
    sign_in(context, root)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send('Network.enable')
    cdp.send('Network.setCacheDisabled', {'cacheDisabled': True})
    sizes = {}
    cdp.on('Network.loadingFinished',
           lambda e: sizes.__setitem__(e['requestId'],
                                       e['encodedDataLength']))
    page.goto(url)
    page.wait_for_load_state('networkidle')
    context.close()
    return sum(sizes.values()), len(sizes)


def measure(root, sizes, rounds, session, endpoint):
    from playwright.sync_api import sync_playwright
    flavor = boot.find(session, endpoint, 'flavors', 'm1.tiny')
    image = boot.find(session, endpoint, 'images', 'fake-image')
    results, have = [], 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for size in sizes:
            have = boot_up_to(session, endpoint, size, have, flavor, image)
            context = browser.new_context()
            sign_in(context, root)
            url = root + '/dashboard/instances'
            paint, html, rows = first_render(context, url, rounds)
            context.close()
            weight, requests_ = cold_weight(browser, root, url)
            results.append((size, rows, paint, html, weight, requests_))
        browser.close()
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--sizes', default='50,1000')
    parser.add_argument('--rounds', type=int, default=10)
    parser.add_argument('--port', type=int, default=18790)
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(','))
    with tempfile.TemporaryDirectory() as state:
        proc, endpoint = boot.start_all_in_one(state, args.port)
        try:
            session = requests.Session()
            boot.lift_quotas(session, endpoint)
            root = endpoint.rsplit('/v2.1', 1)[0]
            results = measure(root, sizes, args.rounds, session, endpoint)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    print('| servers | rows shown | first contentful paint (ms) | '
          'HTML complete (ms) | cold load (bytes, requests) |')
    print('|---|---|---|---|---|')
    for size, rows, paint, html, weight, count in results:
        print('| %d | %d | %.0f | %.0f | %d B, %d |' % (
            size, rows, paint, html, weight, count))


if __name__ == '__main__':
    main()
