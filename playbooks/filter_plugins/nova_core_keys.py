"""Keys derived from nova-core's master secret, as nova_core.host_auth
derives them: HMAC-SHA256(secret, label), in hex.

    {{ nova_core_host_key_secret | nova_core_derive_key('nova-core-host:' ~ host) }}
"""
import hashlib
import hmac


def nova_core_derive_key(secret, label):
    return hmac.new(str(secret).encode(), str(label).encode(),
                    hashlib.sha256).hexdigest()


class FilterModule:
    def filters(self):
        return {'nova_core_derive_key': nova_core_derive_key}
