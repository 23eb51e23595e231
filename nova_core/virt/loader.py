"""Load the hypervisor driver named by ``[DEFAULT] compute_driver``."""
import logging
from importlib import metadata

from stevedore import driver as sd_driver

from nova_core import exception

LOG = logging.getLogger(__name__)
NAMESPACE = 'nova_core.virt_drivers'


def installed_drivers():
    """Names of every driver entry point installed on this host."""
    return sorted({ep.name for ep in metadata.entry_points(group=NAMESPACE)})


def load_compute_driver(conf, image_service=None):
    """The driver instance for this host.

    :raises: DriverLoadError naming the installed drivers, if the driver is
        unknown or fails to import or construct.
    """
    name = conf.compute_driver
    try:
        mgr = sd_driver.DriverManager(
            namespace=NAMESPACE, name=name, invoke_on_load=True,
            invoke_args=(conf,), invoke_kwds={'image_service': image_service},
            on_load_failure_callback=_reraise)
    except Exception as exc:  # noqa: BLE001 - stevedore raises many kinds
        reason = ('no such driver' if isinstance(exc, sd_driver.NoMatches)
                  else '%s: %s' % (type(exc).__name__, exc))
        raise exception.DriverLoadError(
            driver=name, reason=reason,
            installed=', '.join(installed_drivers()) or 'none')
    LOG.info('Loaded compute driver %s (%s)', name,
             type(mgr.driver).__name__)
    return mgr.driver


def _reraise(manager, entrypoint, exc):
    raise exc
