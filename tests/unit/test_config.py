"""Configuration: bad values fail at start naming the option; the sample
config in etc/ is what the generator produces."""
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.mark.parametrize('text,words', [
    ('[DEFAULT]\nreport_interval = often\n', 'report_interval'),
    ('[DEFAULT]\nreport_interval = 0\n', 'report_interval'),
    ('[DEFAULT]\nosapi_compute_listen_port = 99999\n',
     'osapi_compute_listen_port'),
    ('[api]\nauth_strategy = trust-me\n', 'auth_strategy'),
    ('[DEFAULT]\ncpu_allocation_ratio = lots\n', 'cpu_allocation_ratio'),
    ('[DEFAULT]\nreport_interval = 60\nservice_down_time = 30\n',
     'service_down_time'),
])
def test_bad_values_stop_the_service_naming_the_option(tmp_path, text,
                                                       words):
    conf = tmp_path / 'nova.conf'
    conf.write_text(text)
    result = subprocess.run(
        [sys.executable, '-c', 'from nova_core.cmd import manage; '
         'manage.main(["nova-core-manage", "--config-file", %r, "db", '
         '"version"])' % str(conf)],
        capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert 'configuration error' in result.stderr
    assert words in result.stderr


def test_unknown_driver_lists_installed_ones(conf):
    from nova_core import exception
    from nova_core.conf import CONF
    from nova_core.virt import loader
    conf.config(compute_driver='hyperv')
    with pytest.raises(exception.DriverLoadError) as caught:
        loader.load_compute_driver(CONF)
    message = caught.value.format_message()
    assert '"hyperv"' in message and 'fake' in message and \
        'libvirt' in message


def test_fake_driver_loads_by_entry_point(conf):
    from nova_core.conf import CONF
    from nova_core.virt import driver, loader
    conf.config(compute_driver='fake')
    assert isinstance(loader.load_compute_driver(CONF), driver.ComputeDriver)


def test_sample_config_is_current(tmp_path):
    generated = tmp_path / 'nova.conf.sample'
    result = subprocess.run(
        ['oslo-config-generator', '--config-file',
         str(ROOT / 'etc/nova/nova-config-generator.conf'), '--output-file',
         str(generated)], capture_output=True, text=True, cwd=ROOT,
        timeout=120)
    assert result.returncode == 0, result.stderr
    checked_in = (ROOT / 'etc/nova/nova.conf.sample').read_text()
    assert generated.read_text() == checked_in, (
        'etc/nova/nova.conf.sample is stale: run "tox -e genconfig"')
