"""The fake hypervisor keeps each guest in a file of its own: a change
writes that guest's file only, and a new driver on the same state path
finds every guest with its power state."""
import json

import pytest

from nova_core.compute import power_state
from nova_core.conf import CONF
from nova_core_drivers.fake import driver as fake_driver


def _instance(uuid):
    return {'uuid': uuid, 'name': 'instance-' + uuid, 'display_name': uuid,
            'flavor': {'name': 'm1.tiny'}, 'image_ref': 'img'}


@pytest.fixture
def hypervisor(conf, tmp_path):
    conf.config(host='h1', state_path=str(tmp_path))
    driver = fake_driver.FakeDriver(CONF)
    driver.init_host('h1')
    return driver


def _files(tmp_path):
    return {p.name for p in (tmp_path / 'fake-hypervisor' / 'h1').iterdir()}


def _restarted():
    driver = fake_driver.FakeDriver(CONF)
    driver.init_host('h1')
    return driver


def test_a_change_writes_only_its_guest(hypervisor, tmp_path):
    for uuid in ('a', 'b'):
        hypervisor.spawn(None, _instance(uuid), {'id': 'img'})
    assert _files(tmp_path) == {'a.json', 'b.json'}
    b_file = tmp_path / 'fake-hypervisor' / 'h1' / 'b.json'
    before = b_file.stat().st_mtime_ns, b_file.read_text()
    hypervisor.pause(_instance('a'))
    assert (b_file.stat().st_mtime_ns, b_file.read_text()) == before
    assert _restarted().get_info(_instance('a')).state == power_state.PAUSED


def test_guests_and_power_states_survive_and_destroy_removes(hypervisor,
                                                             tmp_path):
    for uuid in ('run', 'off', 'gone'):
        hypervisor.spawn(None, _instance(uuid), {'id': 'img'})
    hypervisor.power_off(_instance('off'))
    hypervisor.destroy(None, _instance('gone'))
    assert _files(tmp_path) == {'run.json', 'off.json'}
    again = _restarted()
    assert {u: again.get_info(_instance(u)).state
            for u in again.list_instances()} == {
        'run': power_state.RUNNING, 'off': power_state.SHUTDOWN}
    assert 'booted from image img' in again.get_console_output(
        None, _instance('run'))


def test_a_left_over_temporary_file_is_ignored(hypervisor, tmp_path):
    hypervisor.spawn(None, _instance('a'), {'id': 'img'})
    (tmp_path / 'fake-hypervisor' / 'h1' / 'b.json.tmp').write_text('{')
    assert _restarted().list_instances() == ['a']


def test_the_single_file_of_earlier_versions_is_split(conf, tmp_path):
    conf.config(host='h1', state_path=str(tmp_path))
    directory = tmp_path / 'fake-hypervisor'
    directory.mkdir()
    (directory / 'h1.json').write_text(json.dumps({
        'old': {'state': power_state.SHUTDOWN, 'flavor': None,
                'console': ['[fake] old booted']}}))
    driver = _restarted()
    assert driver.get_info(_instance('old')).state == power_state.SHUTDOWN
    assert not (directory / 'h1.json').exists()
    assert _files(tmp_path) == {'old.json'}
    assert _restarted().list_instances() == ['old']


def test_console_is_bounded(hypervisor):
    hypervisor.spawn(None, _instance('a'), {'id': 'img'})
    for _ in range(fake_driver.CONSOLE_LINES):
        hypervisor.reboot(None, _instance('a'), 'SOFT')
    lines = _restarted().get_console_output(None, _instance('a')).split()
    assert 'booted' not in lines
