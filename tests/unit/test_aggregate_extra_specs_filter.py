"""AggregateInstanceExtraSpecsFilter and Nova's extra spec operators."""
import pytest

from nova_core.scheduler import extra_specs_ops, filters


@pytest.mark.parametrize('value,requirement,expected', [
    ('1', '1', True), ('1', '2', False), (None, 'x', False),
    ('123', '= 123', True), ('124', '= 123', True), ('122', '= 123', False),
    ('12311321', '<in> 11', True), ('12311321', '<in> 12311321 tail', True),
    ('12310321', '<in> 11', False),
    ('abc def', '<all-in> abc def', True), ('abc', '<all-in> abc def',
                                            False),
    ('123', '== 123', True), ('123', '== 123.0', True), ('124', '== 123',
                                                        False),
    ('124', '!= 123', True), ('123', '!= 123', False),
    ('124', '>= 123', True), ('122', '>= 123', False),
    ('122', '<= 123', True), ('124', '<= 123', False),
    ('abc', '>= 1', False),  # not a number: no match, no error
    ('abc', 's== abc', True), ('abd', 's== abc', False),
    ('abd', 's!= abc', True), ('abc', 's!= abc', False),
    ('abb', 's< abc', True), ('abc', 's< abc', False),
    ('abc', 's<= abc', True), ('abd', 's<= abc', False),
    ('abd', 's> abc', True), ('abc', 's> abc', False),
    ('abc', 's>= abc', True), ('abb', 's>= abc', False),
    ('2', '<or> 1 <or> 2 <or> 3', True), ('4', '<or> 1 <or> 2', False),
    ('1', '<or> 11 <or> 12', False),
    (None, '= 1', False), ('1', '=', False), ('', '', True),
])
def test_match(value, requirement, expected):
    assert extra_specs_ops.match(value, requirement) is expected


def _passes(extra_specs, metadata, host='h1'):
    spec = {'extra_specs': extra_specs,
            '_aggregate_metadata': {'h1': metadata}}
    return filters.aggregate_instance_extra_specs_filter(
        {'host': host}, spec, None)


@pytest.mark.parametrize('extra_specs,metadata,expected', [
    ({}, {}, True),
    ({'ssd': 'true'}, {'ssd': {'true'}}, True),
    ({'ssd': 'true'}, {'ssd': {'false'}}, False),
    ({'ssd': 'true'}, {}, False),
    ({'aggregate_instance_extra_specs:ssd': 'true'}, {'ssd': {'true'}}, True),
    ({'aggregate_instance_extra_specs:ssd': 'true'}, {}, False),
    # Keys of other scopes are other filters' business.
    ({'hw:cpu_policy': 'dedicated', 'quota:cpu_shares': '10'}, {}, True),
    # A key's values over all the host's aggregates: one must match.
    ({'tier': 's== gold'}, {'tier': {'silver', 'gold'}}, True),
    ({'tier': '<or> gold <or> platinum'}, {'tier': {'silver'}}, False),
    ({'cpus': '>= 8', 'ssd': 'true'}, {'cpus': {'16'}, 'ssd': {'true'}},
     True),
    ({'cpus': '>= 8', 'ssd': 'true'}, {'cpus': {'4'}, 'ssd': {'true'}},
     False),
])
def test_filter(extra_specs, metadata, expected):
    assert _passes(extra_specs, metadata) is expected


def test_a_host_in_no_aggregate_passes_only_without_specs():
    assert _passes({}, {}, host='other')
    assert not _passes({'ssd': 'true'}, {'ssd': {'true'}}, host='other')


def test_available_by_name_and_off_by_default(conf):
    from nova_core.scheduler import host_selection
    assert 'AggregateInstanceExtraSpecsFilter' in filters.FILTERS
    from nova_core.conf import CONF
    assert 'AggregateInstanceExtraSpecsFilter' not in \
        CONF.filter_scheduler.enabled_filters
    conf.config(group='filter_scheduler',
                enabled_filters=['AggregateInstanceExtraSpecsFilter'])
    assert ('AggregateInstanceExtraSpecsFilter',
            filters.aggregate_instance_extra_specs_filter) in \
        host_selection.enabled_filters(CONF)


def test_metadata_of_each_host_over_its_aggregates(db):
    from nova_core.db import aggregates
    fast = aggregates.create('fast')
    gold = aggregates.create('gold')
    aggregates.update_metadata(fast['id'], {'ssd': 'true', 'tier': 'silver'})
    aggregates.update_metadata(gold['id'], {'tier': 'gold'})
    from nova_core.db.session import transaction
    with transaction() as session:  # add_host wants the hosts' services
        for aggregate, host in ((fast, 'h1'), (gold, 'h1'), (gold, 'h2')):
            session.execute(aggregates.AHT.insert(), {
                'aggregate_id': aggregate['id'], 'host': host})
    assert aggregates.metadata_by_host() == {
        'h1': {'ssd': {'true'}, 'tier': {'silver', 'gold'}},
        'h2': {'tier': {'gold'}}}
