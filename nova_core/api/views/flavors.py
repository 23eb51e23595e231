"""Flavors as the API shows them, per microversion: ``description``
(2.55), ``extra_specs`` (2.61), ``swap`` 0 rather than "" (2.75)."""
from nova_core.api import links


def basic(flavor, version):
    view = {'id': flavor['flavorid'], 'name': flavor['name'],
            'links': links.resource('flavors', flavor['flavorid'])}
    if version.matches('2.55'):
        view['description'] = flavor['description']
    return view


def detail(flavor, version, show_extra_specs=True):
    """``show_extra_specs``: whether policy lets the caller read them
    (``os-flavor-extra-specs:index``), shown from 2.61."""
    view = basic(flavor, version)
    view.update({
        'ram': flavor['memory_mb'], 'disk': flavor['root_gb'],
        'vcpus': flavor['vcpus'],
        'OS-FLV-EXT-DATA:ephemeral': flavor['ephemeral_gb'],
        'OS-FLV-DISABLED:disabled': flavor['disabled'],
        'swap': (flavor['swap'] if version.matches('2.75')
                 else flavor['swap'] or ''),
        'rxtx_factor': flavor['rxtx_factor'],
        'os-flavor-access:is_public': flavor['is_public'],
    })
    if version.matches('2.61') and show_extra_specs:
        view['extra_specs'] = flavor['extra_specs'] or {}
    return view


def embedded(flavor, version):
    """The flavor inside a server: a link before 2.47, a copy since."""
    if not version.matches('2.47'):
        return {'id': flavor['flavorid'],
                'links': links.bookmark('flavors', flavor['flavorid'])}
    return {'vcpus': flavor['vcpus'], 'ram': flavor['memory_mb'],
            'disk': flavor['root_gb'], 'ephemeral': flavor['ephemeral_gb'],
            'swap': flavor['swap'], 'original_name': flavor['name'],
            'extra_specs': flavor.get('extra_specs') or {}}
