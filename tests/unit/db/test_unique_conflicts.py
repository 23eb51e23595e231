"""A unique id or name taken, also by a concurrent writer, is a 409 (or,
for an idempotent write, done once more), never a database error."""
from unittest import mock

import pytest
import sqlalchemy as sa

from nova_core import exception
from nova_core.db import flavors, images, quotas

FLAVOR = {'flavorid': 'f1', 'name': 'one', 'vcpus': 1, 'memory_mb': 512,
          'root_gb': 1}


def _image(image_id):
    return {'id': image_id, 'name': 'img', 'owner': 'p', 'status': 'queued'}


def test_image_id_of_a_deleted_image_stays_taken(db):
    images.create(_image('i-1'))
    images.destroy('i-1')
    with pytest.raises(exception.ImageExists) as caught:
        images.create(_image('i-1'))
    assert caught.value.code == 409
    with pytest.raises(exception.ImageNotFound):
        images.get('i-1')


@pytest.mark.parametrize('clash,error', [
    ({'flavorid': 'f1', 'name': 'other'}, exception.FlavorIdExists),
    ({'flavorid': 'f2', 'name': 'one'}, exception.FlavorExists)])
def test_flavor_created_meanwhile_is_409(db, clash, error):
    flavors.create(dict(FLAVOR))
    # The first check runs before the concurrent create commits, so it
    # sees nothing: the insert is what finds the clash.
    with mock.patch.object(flavors, '_check_unique', autospec=True,
                           side_effect=_once_blind(flavors._check_unique)):
        with pytest.raises(error):
            flavors.create(dict(FLAVOR, **clash))


def _once_blind(real_check):
    calls = []

    def check(session, values):
        calls.append(values)
        if len(calls) > 1:
            real_check(session, values)
    return check


def test_quota_row_inserted_meanwhile_is_updated(db):
    real = quotas._upsert
    calls = []

    def racing(session, table, keys, limits):
        calls.append(keys)
        if len(calls) == 1:  # a concurrent PUT inserted the row first
            raise sa.exc.IntegrityError('INSERT', {}, Exception('dup'))
        real(session, table, keys, limits)

    with mock.patch.object(quotas, '_upsert', side_effect=racing):
        quotas.set_project_limits('p', {'cores': 7})
    assert quotas.project_limits('p')['cores'] == 7
    assert len(calls) == 2
