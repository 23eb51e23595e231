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


@pytest.mark.parametrize('tool,generator_conf,sample,tox_env', [
    ('oslo-config-generator', 'nova-config-generator.conf',
     'nova.conf.sample', 'genconfig'),
    ('oslopolicy-sample-generator', 'nova-policy-generator.conf',
     'policy.yaml.sample', 'genpolicy'),
])
def test_generated_samples_are_current(tmp_path, tool, generator_conf,
                                       sample, tox_env):
    generated = tmp_path / sample
    result = subprocess.run(
        [tool, '--config-file', str(ROOT / 'etc/nova' / generator_conf),
         '--output-file', str(generated)], capture_output=True, text=True,
        cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    checked_in = (ROOT / 'etc/nova' / sample).read_text()
    assert generated.read_text() == checked_in, (
        'etc/nova/%s is stale: run "tox -e %s"' % (sample, tox_env))
