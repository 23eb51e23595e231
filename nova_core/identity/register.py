"""Register nova-core in an existing Keystone, idempotently.

::

    NOVA_CORE_KEYSTONE_ADMIN_PASSWORD=... NOVA_CORE_NOVA_PASSWORD=... \\
    NOVA_CORE_COMPUTE_PASSWORD=... \\
    python -m nova_core.identity.register \\
        --auth-url http://keystone:5000/v3 --api-url http://api:8774 \\
        --compute-user nova-compute

creates what is missing of: the ``service`` project; the ``nova`` user
(roles ``admin`` and ``service`` on it), which nova-core-api validates
tokens with; optionally a compute hosts' user (role ``service`` only),
whose tokens compute hosts send as service tokens with image downloads;
the ``compute`` and ``image`` services with public and internal endpoints
under ``--api-url``. Passwords come from the environment, never from the
command line. It prints one JSON line, ``{"changed": bool, "changes":
[...]}``, and a second run prints ``"changed": false``. Exit status 1 with
a message on standard error when Keystone refuses or cannot be reached.
"""
import argparse
import json
import os
import sys

from keystoneauth1 import exceptions as ks_exceptions

from nova_core import identity
from nova_core.identity import catalog

#: Environment variables holding the passwords: option dest -> variable.
PASSWORDS = {
    'admin_password': 'NOVA_CORE_KEYSTONE_ADMIN_PASSWORD',
    'nova_password': 'NOVA_CORE_NOVA_PASSWORD',
    'compute_password': 'NOVA_CORE_COMPUTE_PASSWORD',
}


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog='python -m nova_core.identity.register',
        description='Register nova-core (service user, compute and image '
                    'services, endpoints) in Keystone. Passwords come from '
                    'the environment: %s.' % ', '.join(PASSWORDS.values()))
    parser.add_argument('--auth-url', required=True,
                        help="Keystone's Identity v3 URL.")
    parser.add_argument('--api-url', required=True,
                        help="nova-core-api's base URL, e.g. "
                             'http://controller:8774.')
    parser.add_argument('--region', default='RegionOne')
    parser.add_argument('--admin-user', default='admin')
    parser.add_argument('--admin-project', default='admin')
    parser.add_argument('--service-project', default='service')
    parser.add_argument('--nova-user', default='nova')
    parser.add_argument('--compute-user',
                        help='Also a user with the service role only, for '
                             "compute hosts' [service_user].")
    args = parser.parse_args(argv)
    needed = ['admin_password', 'nova_password']
    if args.compute_user:
        needed.append('compute_password')
    for dest in needed:
        value = os.environ.get(PASSWORDS[dest])
        if not value:
            parser.error('%s is not set' % PASSWORDS[dest])
        setattr(args, dest, value)
    return args


def register(args):
    """Register everything ``args`` names; returns the changes made."""
    admin = catalog.IdentityAdmin(
        args.auth_url, args.admin_password, username=args.admin_user,
        project_name=args.admin_project, region=args.region)
    project = catalog.register_nova(
        admin, args.api_url, args.nova_password, region=args.region,
        username=args.nova_user, project_name=args.service_project)
    if args.compute_user:
        user = admin.ensure_user(args.compute_user, args.compute_password,
                                 project['id'])
        admin.grant(user['id'], project['id'], 'service')
    admin.session.invalidate()  # a token that sees the new catalog
    for service_type in ('compute', 'image'):
        catalog.require_service(admin.session, service_type, args.region)
    return admin.changes


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        changes = register(args)
    except (ks_exceptions.ClientException, identity.KeystoneError) as exc:
        print('nova-core registration in Keystone at %s failed: %s'
              % (args.auth_url, exc), file=sys.stderr)
        return 1
    print(json.dumps({'changed': bool(changes), 'changes': changes}))
    return 0


if __name__ == '__main__':
    sys.exit(main())
