"""Key pairs: generating them and fingerprinting public keys, as Nova does.

SSH fingerprints are the MD5 of the key blob, x509 ones the SHA-1 of the
DER certificate, both as colon-separated hex pairs, so a key imported here
shows the fingerprint it shows in Nova. Generated x509 pairs are Nova's
WinRM client certificates: self-signed, CN the user id, for client auth.
"""
import base64
import binascii
import datetime
import hashlib
import secrets

from cryptography import exceptions as crypto_exc
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from nova_core import exception

KEY_BITS = 2048
#: Microsoft's User Principal Name, the otherName WinRM maps users by.
_UPN_OID = x509.ObjectIdentifier('1.3.6.1.4.1.311.20.2.3')
_CERT_DAYS = 3650


def _colon_hex(raw_hex):
    return ':'.join(raw_hex[i:i + 2] for i in range(0, len(raw_hex), 2))


def ssh_fingerprint(public_key):
    """The MD5 fingerprint of an OpenSSH public key line.

    :raises: InvalidKeypair when it is not one.
    """
    try:
        serialization.load_ssh_public_key(public_key.encode('utf-8'))
        blob = base64.b64decode(public_key.split()[1])
    except (ValueError, IndexError, binascii.Error,
            crypto_exc.UnsupportedAlgorithm):
        raise exception.InvalidKeypair(reason='failed to generate '
                                              'fingerprint')
    return _colon_hex(hashlib.md5(blob, usedforsecurity=False).hexdigest())


def x509_fingerprint(pem_cert):
    """The SHA-1 fingerprint of a PEM certificate.

    :raises: InvalidKeypair when it is not one.
    """
    try:
        cert = x509.load_pem_x509_certificate(pem_cert.encode('utf-8'))
        raw = cert.fingerprint(hashes.SHA1()).hex()
    except (ValueError, TypeError) as exc:
        raise exception.InvalidKeypair(
            reason='failed to generate X509 fingerprint. Error message: %s'
            % exc)
    return _colon_hex(raw)


def fingerprint(key_type, public_key):
    """The fingerprint of an ``ssh`` or ``x509`` public key."""
    if key_type == 'x509':
        return x509_fingerprint(public_key)
    return ssh_fingerprint(public_key)


def generate_ssh_keypair(bits=KEY_BITS):
    """:returns: (private key PEM, OpenSSH public key, fingerprint)"""
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.OpenSSH,
        serialization.PublicFormat.OpenSSH).decode() + ' Generated-by-Nova'
    return private, public, ssh_fingerprint(public)


def _der_utf8_string(text):
    data = text.encode('utf-8')
    if len(data) < 0x80:
        length = bytes([len(data)])
    else:
        size = len(data).to_bytes((len(data).bit_length() + 7) // 8, 'big')
        length = bytes([0x80 | len(size)]) + size
    return b'\x0c' + length + data


def generate_x509_keypair(user_id, bits=KEY_BITS):
    """A self-signed client certificate for ``user_id``, as Nova makes for
    WinRM.

    :returns: (private key PEM, certificate PEM, fingerprint)
    """
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    # X.509 caps a common name at 64 characters; the UPN carries the rest.
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME,
                                            user_id[:64])])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder()
            .subject_name(subject).issuer_name(subject)
            .public_key(key.public_key())
            .serial_number(secrets.randbits(63) + 1)
            .not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(days=_CERT_DAYS))
            .add_extension(x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
            .add_extension(x509.SubjectAlternativeName([x509.OtherName(
                _UPN_OID, _der_utf8_string('%s@localhost' % user_id))]),
                critical=False)
            .sign(key, hashes.SHA256()))
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()).decode()
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    return private, pem, x509_fingerprint(pem)


def generate_keypair(key_type, user_id):
    """:returns: (private key, public key, fingerprint) of a new pair."""
    if key_type == 'x509':
        return generate_x509_keypair(user_id)
    return generate_ssh_keypair()
