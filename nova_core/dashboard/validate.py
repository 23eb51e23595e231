"""Checks of form input, made before anything is sent: what the Compute
API would refuse (its JSON Schemas' limits), worded for a person. The
API's own error is still shown when it refuses anyway."""


class Invalid(Exception):
    """The form holds something the API would refuse."""


def name(value, what='Name'):
    value = (value or '').strip()
    if not value:
        raise Invalid('%s is required.' % what)
    if len(value) > 255:
        raise Invalid('%s is at most 255 characters long.' % what)
    return value


def description(value):
    if value and len(value) > 255:
        raise Invalid('Description is at most 255 characters long.')
    return value or None


def metadata(text):
    """``key=value`` lines as a dict; keys and values of 1 to 255
    characters, as the API's schema asks."""
    result = {}
    for number, line in enumerate((text or '').splitlines(), 1):
        if not line.strip():
            continue
        key, sep, value = line.partition('=')
        key = key.strip()
        if not sep or not key:
            raise Invalid('Metadata line %d is not key=value.' % number)
        if len(key) > 255 or len(value) > 255:
            raise Invalid('Metadata keys and values are at most 255 '
                          'characters long (line %d).' % number)
        result[key] = value.strip()
    return result


def count(value):
    try:
        number = int(value or 1)
    except ValueError:
        raise Invalid('Count must be a whole number.')
    if number < 1:
        raise Invalid('Count must be at least 1.')
    return number


def choice(value, choices, what):
    if not value:
        raise Invalid('Choose a %s.' % what)
    if value not in choices:
        raise Invalid('The %s chosen no longer exists.' % what)
    return value


def user_data(text):
    """User data as the API takes it: base64 of at most 65535 bytes."""
    import base64
    data = (text or '').encode()
    if len(data) > 49152:  # 65535 after base64
        raise Invalid('User data is at most 48 KiB.')
    return base64.b64encode(data).decode() if data else None


def keypair_name(value):
    value = name(value, 'Key pair name')
    allowed = set('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'
                  '0123456789-_ .@')
    if not set(value) <= allowed:
        raise Invalid('Key pair names may hold letters, digits, spaces and '
                      '"-_.@" only.')
    return value
