"""Validation of known flavor extra specs (microversion 2.86), after
Nova's ``nova/api/validation/extra_specs``.

From 2.86 a spec whose name is registered here must have a valid value,
and a name in a namespace listed in :data:`CHECKED_NAMESPACES` must be
registered; other names (no namespace, or namespaces nova-core does not
check, such as ``hw`` or ``quota``) are stored as given, as Nova stores
unknown namespaces.
"""
import re

from nova_core import exception

_GROUP = r'(?P<group>[a-zA-Z0-9_-]{1,64})?'
_TRUE = ('1', 't', 'true', 'on', 'y', 'yes')
_FALSE = ('0', 'f', 'false', 'off', 'n', 'no')

#: name regex -> value rule: ('int', minimum) / ('bool',) / ('enum', values)
VALIDATORS = {
    r'hw_rng:allowed': ('bool',),
    r'hw_rng:rate_bytes': ('int', 0),
    r'hw_rng:rate_period': ('int', 0),
    r'hw_video:ram_max_mb': ('int', 0),
    r'trait%s:[a-zA-Z0-9_]+' % _GROUP: ('enum', ('required', 'forbidden')),
    r'resources%s:[A-Z0-9_]+' % _GROUP: ('int', 0),
}
#: Namespaces whose every valid name is registered above.
CHECKED_NAMESPACES = (r'hw_rng', r'hw_video', r'trait%s' % _GROUP,
                      r'resources%s' % _GROUP)


def validate(name, value):
    """:raises: ValidationError (400) worded as Nova's."""
    for pattern, rule in VALIDATORS.items():
        if re.fullmatch(pattern, name):
            _check_value(value, rule)
            return
    namespace = name.split(':', 1)[0] if ':' in name else None
    if namespace is not None and any(
            re.fullmatch(n, namespace) for n in CHECKED_NAMESPACES):
        raise exception.ValidationError(
            detail="Validation failed; extra spec '%s' does not appear to "
                   "be a valid extra spec." % name)


def _check_value(value, rule):
    kind = rule[0]
    if kind == 'bool' and value.lower() not in _TRUE + _FALSE:
        raise exception.ValidationError(
            detail="Validation failed; '%s' is not a valid boolean-like "
                   "value." % value)
    if kind == 'enum' and value not in rule[1]:
        raise exception.ValidationError(
            detail="Validation failed; '%s' is not one of %s."
                   % (value, ', '.join(rule[1])))
    if kind == 'int':
        if not re.fullmatch(r'-?[0-9]+', value):
            raise exception.ValidationError(
                detail="Validation failed; '%s' is not a valid integer "
                       "value." % value)
        if int(value) < rule[1]:
            raise exception.ValidationError(
                detail="Validation failed; '%s' is less than the minimum "
                       "of '%d'." % (value, rule[1]))
