"""Flavors: list, detail, show, filters and paging."""
from tests.fixtures.client import fault


def test_list_detail_show(api):
    names = [f['name'] for f in api.get('/flavors').json()['flavors']]
    assert names[:5] == ['m1.tiny', 'm1.small', 'm1.medium', 'm1.large',
                         'm1.xlarge']
    detail = api.get('/flavors/detail').json()['flavors'][0]
    assert (detail['ram'], detail['vcpus'], detail['disk']) == (512, 1, 1)
    assert detail['os-flavor-access:is_public'] is True
    shown = api.get('/flavors/2').json()['flavor']
    assert shown['name'] == 'm1.small'
    assert shown['links'][0]['href'].endswith('/v2.1/flavors/2')


def test_filters_and_paging(api):
    big = api.get('/flavors/detail', params={'minRam': 8192}).json()
    assert {f['name'] for f in big['flavors']} >= {'m1.large', 'm1.xlarge'}
    assert 'm1.tiny' not in {f['name'] for f in big['flavors']}
    page = api.get('/flavors', params={'limit': 2}).json()
    assert len(page['flavors']) == 2 and 'flavors_links' in page
    rest = api.get('/flavors', params={
        'marker': page['flavors'][-1]['id']}).json()['flavors']
    assert rest[0]['id'] == '3'
    by_ram = api.get('/flavors/detail', params={
        'sort_key': 'memory_mb', 'sort_dir': 'desc'}).json()['flavors']
    rams = [f['ram'] for f in by_ram]
    assert rams == sorted(rams, reverse=True)


def test_bad_flavor_queries(api):
    for params in ({'limit': 'x'}, {'marker': 'nope'},
                   {'sort_key': 'colour'}, {'minRam': '-5'}):
        response = api.get('/flavors', params=params)
        assert response.status_code == 400, params
        assert fault(response)[0] == 'badRequest'
