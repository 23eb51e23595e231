"""``/extensions``: Nova's fixed list, as Tempest's test_extensions reads
it."""
import pytest

REQUIRED = {'alias', 'description', 'links', 'name', 'namespace', 'updated'}


def test_list_has_hosts_and_the_fields_of_nova(api):
    response = api.get('/extensions')
    assert response.status_code == 200
    extensions = response.json()['extensions']
    assert 'Hosts' in [x['name'] for x in extensions]
    assert all(set(x) == REQUIRED for x in extensions)


@pytest.mark.parametrize('alias,status', [
    ('os-consoles', 200), ('os-quota-sets', 200), ('no-such', 404)])
def test_show_by_alias(api, alias, status):
    response = api.get('/extensions/%s' % alias)
    assert response.status_code == status
    if status == 200:
        assert response.json()['extension']['alias'] == alias
