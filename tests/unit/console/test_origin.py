"""The console proxies' check of a browser's Origin (as Nova's)."""
import pytest

from nova_core.console.proxy import origin_refusal

HTTP, WS, HTTPS = ('http://cloud.example:6080/vnc_lite.html',
                   'ws://cloud.example:6083/',
                   'https://cloud.example/vnc_lite.html')
MISMATCH = 'Origin header does not match this host.'
SCHEME = 'Origin header protocol does not match this host.'
INVALID = 'Origin header not valid.'


@pytest.mark.parametrize('headers,allowed,base,refusal', [
    ({'Host': 'cloud.example:6080'}, [], HTTP, None),  # not a browser
    ({'Host': 'cloud.example:6080',
      'Origin': 'http://cloud.example:6080'}, [], HTTP, None),
    ({'Host': 'cloud.example:6083',
      'Origin': 'http://cloud.example'}, [], WS, None),
    ({'Host': '[::1]:6080', 'Origin': 'http://[::1]:6080'}, [], HTTP, None),
    ({'Host': 'cloud.example:6080', 'Origin': 'http://portal.example'},
     ['portal.example'], HTTP, None),
    ({'Host': 'cloud.example:6080', 'Origin': 'http://evil.example'}, [],
     HTTP, MISMATCH),
    ({'Host': 'cloud.example:6080',
      'Origin': 'http://cloud.example.evil.example'}, [], HTTP, MISMATCH),
    ({'Origin': 'http://cloud.example'}, [], HTTP, MISMATCH),  # no Host
    ({'Host': 'cloud.example', 'Origin': 'https://cloud.example'}, [],
     HTTP, SCHEME),
    ({'Host': 'cloud.example', 'Origin': 'http://cloud.example'}, [],
     HTTPS, SCHEME),
    ({'Host': 'cloud.example', 'Origin': 'http://cloud.example',
      'X-Forwarded-Proto': 'https'}, [], HTTPS, None),
    ({'Host': 'cloud.example', 'Origin': 'null'}, [], HTTP, INVALID),
    ({'Host': 'cloud.example', 'Origin': 'http://'}, [], HTTP, INVALID),
    ({'Host': 'cloud.example', 'Origin': 'http://[::1'}, [], HTTP, INVALID),
    ({'Host': '[::1', 'Origin': 'http://cloud.example'}, [], HTTP, MISMATCH),
])
def test_origin(headers, allowed, base, refusal):
    assert origin_refusal(headers, allowed, base) == refusal
