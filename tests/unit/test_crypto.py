"""Key generation and fingerprints (nova_core.crypto), and the SQL of the
server tag filters on every supported backend."""
import base64
import hashlib

import pytest
import sqlalchemy as sa
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from sqlalchemy.dialects import mysql, postgresql, sqlite

from nova_core import crypto, exception
from nova_core.db import instance_tags_meta

# A key made by ssh-keygen, and the fingerprint ``ssh-keygen -l -E md5``
# shows for it (Nova's format).
SSH_KEY = (
    'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDdTwc7q7batl9hHeffn2TqEqTyK1v+AH'
    'oNipGvTxE9CLJhH8esN8YV3eYa7QHVJKJ+8p9hBROEhbKLAXAD0b5cR7FvdSCL8Qp9T3gf'
    '5BOHHLKZvyHgotBi9cQT82cWnzCWKZok+8jR3/lkArBL3rbgZT+mMdgvtMZkaJqoG5zCUQ'
    '== root@vm')
SSH_KEY_MD5 = '01:9e:8c:83:ff:4c:18:ed:b2:4c:bd:98:74:5f:67:64'


def _md5_fingerprint(line):
    digest = hashlib.md5(base64.b64decode(line.split()[1])).hexdigest()
    return ':'.join(digest[i:i + 2] for i in range(0, len(digest), 2))


def test_ssh_fingerprint_is_md5_of_the_blob():
    assert crypto.ssh_fingerprint(SSH_KEY) == SSH_KEY_MD5


@pytest.mark.parametrize('bad', ['', 'ssh-rsa', 'ssh-rsa !!!',
                                 'ssh-rsa AAAA', 'not a key at all',
                                 SSH_KEY.replace('AAAAB3', 'BBBBB3')])
def test_bad_ssh_keys_are_invalid_keypair(bad):
    with pytest.raises(exception.InvalidKeypair) as err:
        crypto.ssh_fingerprint(bad)
    assert err.value.format_message() == ('Keypair data is invalid: failed '
                                          'to generate fingerprint')
    assert err.value.code == 400


def test_generated_ssh_pair_matches():
    private, public, fingerprint = crypto.generate_keypair('ssh', 'u')
    key = serialization.load_pem_private_key(private.encode(), None)
    assert key.key_size == 2048
    assert public.startswith(key.public_key().public_bytes(
        serialization.Encoding.OpenSSH,
        serialization.PublicFormat.OpenSSH).decode())
    assert fingerprint == _md5_fingerprint(public)


def test_generated_x509_pair_is_a_winrm_client_certificate():
    private, pem, fingerprint = crypto.generate_keypair('x509', 'alice')
    cert = x509.load_pem_x509_certificate(pem.encode())
    key = serialization.load_pem_private_key(private.encode(), None)
    assert cert.public_key().public_numbers() == \
        key.public_key().public_numbers()
    assert cert.subject == cert.issuer
    assert cert.subject.rfc4514_string() == 'CN=alice'
    usage = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert list(usage.value) == [x509.ExtendedKeyUsageOID.CLIENT_AUTH]
    (upn,) = cert.extensions.get_extension_for_class(
        x509.SubjectAlternativeName).value
    assert upn.value == b'\x0c\x0falice@localhost'
    assert fingerprint == ':'.join('%02x' % b for b in cert.fingerprint(
        hashes.SHA1()))
    assert crypto.fingerprint('x509', pem) == fingerprint


def test_long_user_ids_fit_the_certificate():
    _, pem, _ = crypto.generate_x509_keypair('u' * 200, bits=1024)
    cert = x509.load_pem_x509_certificate(pem.encode())
    assert cert.subject.rfc4514_string() == 'CN=' + 'u' * 64
    (upn,) = cert.extensions.get_extension_for_class(
        x509.SubjectAlternativeName).value
    assert upn.value[:3] == b'\x0c\x81\xd2'  # 200 + "@localhost"


def test_bad_certificate_is_invalid_keypair():
    with pytest.raises(exception.InvalidKeypair) as err:
        crypto.fingerprint('x509', SSH_KEY)
    assert err.value.format_message().startswith(
        'Keypair data is invalid: failed to generate X509 fingerprint. '
        'Error message: ')


@pytest.mark.parametrize('dialect,words', [
    (sqlite.dialect(), 'EXISTS (SELECT 1 FROM json_each(instances.tags)'),
    (postgresql.dialect(), 'CAST(instances.tags AS JSONB) @> '
                           'jsonb_build_array('),
    (mysql.dialect(), 'JSON_CONTAINS(instances.tags, JSON_QUOTE('),
])
def test_tag_filters_compile_per_backend(dialect, words):
    query = sa.select(instance_tags_meta.T.c.id).where(
        *instance_tags_meta.tag_filters({
            'tags': ['a', 'b'], 'tags_any': ['c'], 'not_tags': ['d'],
            'not_tags_any': ['e', 'f']}))
    sql = str(query.compile(dialect=dialect))
    assert sql.count(words) == 6


def test_tag_filters_on_sqlite_rows():
    engine = sa.create_engine('sqlite://')
    table = sa.Table('t', sa.MetaData(), sa.Column('id', sa.Integer),
                     sa.Column('tags', sa.JSON))
    table.create(engine)
    rows = {1: ['a', 'b'], 2: ['a'], 3: ['c', 'a"b'], 4: [], 5: None}
    with engine.begin() as conn:
        conn.execute(table.insert(), [{'id': k, 'tags': v}
                                      for k, v in rows.items()])

    def ids(**filters):
        with engine.connect() as conn:
            return set(conn.execute(sa.select(table.c.id).where(
                *instance_tags_meta.tag_filters(filters,
                                                table.c.tags))).scalars())

    assert ids(tags=['a', 'b']) == {1}
    assert ids(tags_any=['b', 'c']) == {1, 3}
    assert ids(tags=['a"b']) == {3}
    assert ids(tags=['b"']) == set()
    assert ids(not_tags=['a', 'b']) == {2, 3, 4, 5}
    assert ids(not_tags_any=['a', 'c']) == {4, 5}
