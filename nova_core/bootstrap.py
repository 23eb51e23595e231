"""First start of a cloud: schema, and for all-in-one the starter data."""
import io
import logging

from nova_core.db import flavors as db_flavors
from nova_core.db import images as db_images
from nova_core.db import migration
from nova_core.image.store import ImageStore

LOG = logging.getLogger(__name__)

STARTER_IMAGE = 'fake-image'
_STARTER_IMAGE_ID = '7f0c5b35-2a6c-4d53-9a27-a6c5f6a1f0c1'
_STARTER_IMAGE_BYTES = 1024 * 1024


def seed_flavors():
    created = db_flavors.seed_defaults()
    if created:
        LOG.info('Created flavors %s', ', '.join(created))
    return created


def seed_image(conf):
    """A public 1 MiB raw image, enough for the fake driver to boot from."""
    if db_images.get_all(filters={'name': STARTER_IMAGE}):
        return None
    image = db_images.create({
        'id': _STARTER_IMAGE_ID, 'name': STARTER_IMAGE, 'status': 'saving',
        'visibility': 'public', 'owner': None, 'disk_format': 'raw',
        'container_format': 'bare', 'min_ram': 0, 'min_disk': 0,
        'tags': [], 'properties': {}})
    facts = ImageStore(conf).write(
        image['id'], io.BytesIO(b'\0' * _STARTER_IMAGE_BYTES))
    db_images.update(image['id'], dict(facts, status='active'))
    LOG.info('Created image %s (%s)', STARTER_IMAGE, image['id'])
    return image


def bootstrap_all_in_one(conf):
    migration.db_sync()
    seed_flavors()
    seed_image(conf)
