"""Compute API microversions: parsing the request's, answering with it.

Clients name a version with ``OpenStack-API-Version: compute 2.X`` (or the
older ``X-OpenStack-Nova-API-Version: 2.X``); none means the minimum.
"""
import functools
import re

from nova_core import exception

_VERSION_RE = re.compile(r'^([1-9][0-9]*)\.([1-9][0-9]*|0)$')
#: Longer numbers are well-formed but name no version anyone serves.
_MAX_DIGITS = 6


@functools.total_ordering
class APIVersion:
    def __init__(self, major, minor):
        self.major, self.minor = major, minor
        # matches() answers, by bounds: a list of 200 servers asks the
        # same fifteen questions of one version 200 times.
        self._matches = {}

    @classmethod
    def parse(cls, text):
        """:raises: InvalidMicroversion for text that is not ``X.Y``."""
        match = _VERSION_RE.match(text.strip())
        shown = text if len(text) <= 40 else text[:40] + '...'
        if not match:
            raise exception.InvalidMicroversion(version=shown)
        if max(map(len, match.groups())) > _MAX_DIGITS:
            raise exception.MicroversionNotAcceptable(
                version=shown, min_version=MIN_VERSION,
                max_version=MAX_VERSION)
        return cls(int(match.group(1)), int(match.group(2)))

    def __eq__(self, other):
        return (self.major, self.minor) == (other.major, other.minor)

    def __lt__(self, other):
        return (self.major, self.minor) < (other.major, other.minor)

    def __hash__(self):
        return hash((self.major, self.minor))

    def __str__(self):
        return '%d.%d' % (self.major, self.minor)

    def matches(self, min_version=None, max_version=None):
        """Whether this version is within [min_version, max_version]."""
        key = (min_version, max_version)
        try:
            return self._matches[key]
        except (KeyError, TypeError):  # TypeError: unhashable bounds
            pass
        result = not (
            (min_version is not None and self < _coerce(min_version)) or
            (max_version is not None and self > _coerce(max_version)))
        try:
            self._matches[key] = result
        except TypeError:
            pass
        return result


@functools.lru_cache(maxsize=256)
def _parse_cached(text):
    return APIVersion.parse(text)


def _coerce(value):
    """Versions named in code (``'2.47'``) are parsed once."""
    return value if isinstance(value, APIVersion) else _parse_cached(value)


MIN_VERSION = APIVersion(2, 1)
#: The newest microversion whose every change nova-core honours for the
#: resources it implements; see README "Microversions".
MAX_VERSION = APIVersion(2, 100)

HEADER = 'OpenStack-API-Version'
LEGACY_HEADER = 'X-OpenStack-Nova-API-Version'


def requested(headers):
    """The version a request asks for, or None if it names none.

    :raises: InvalidMicroversion (400), MicroversionNotAcceptable (406).
    """
    text = None
    for item in headers.get(HEADER, '').split(','):
        service, _, version = item.strip().partition(' ')
        if service.lower() == 'compute':
            text = version.strip()
    if text is None and LEGACY_HEADER in headers:
        text = headers[LEGACY_HEADER].strip()
    if text is None:
        return None
    if text.lower() == 'latest':
        return MAX_VERSION
    version = APIVersion.parse(text)
    if not version.matches(MIN_VERSION, MAX_VERSION):
        raise exception.MicroversionNotAcceptable(
            version=text, min_version=MIN_VERSION, max_version=MAX_VERSION)
    return version


def response_headers(version):
    return {HEADER: 'compute %s' % version, LEGACY_HEADER: str(version),
            'Vary': '%s, %s' % (HEADER, LEGACY_HEADER)}
