"""Packaging for nova-core.

The hypervisor drivers live in the top-level ``drivers/`` folder of the
checkout and install as the ``nova_core_drivers`` package; nova-core finds
them only through the ``nova_core.virt_drivers`` entry points below, so a
driver from another distribution plugs in the same way.
"""
from setuptools import find_packages, setup

DRIVER_PACKAGES = ['nova_core_drivers'] + [
    'nova_core_drivers.' + p for p in find_packages('drivers')]

setup(
    name='nova-core',
    version='0.1.0',
    description='A compact compute controller speaking the OpenStack '
                'Compute API v2.1',
    long_description=open('README.md', encoding='utf-8').read(),
    long_description_content_type='text/markdown',
    python_requires='>=3.11',
    packages=find_packages(include=['nova_core', 'nova_core.*']) +
    DRIVER_PACKAGES,
    package_dir={'nova_core_drivers': 'drivers'},
    package_data={'nova_core': ['db/migrations/alembic.ini',
                                'db/migrations/script.py.mako',
                                'api/static/*', 'api/templates/*',
                                'dashboard/templates/*',
                                'dashboard/static/*',
                                'dashboard/static/vendor/*']},
    install_requires=[
        'flask>=3.0',
        'waitress>=3.0',
        # nova_core.wsgi.worker extends gthread's internals of this series.
        'gunicorn>=27.0,<28',
        'oslo.middleware>=6.0',
        'jsonschema>=4.18',
        'oslo.config>=9.0',
        'oslo.messaging>=14.0',
        'oslo.log>=5.0',
        'oslo.policy>=4.0',
        'oslo.utils>=6.0',
        'stevedore>=5.0',
        'sqlalchemy>=2.0',
        'alembic>=1.12',
        'pymysql>=1.1',
        'psycopg2-binary>=2.9',
        'requests>=2.28',
        'cryptography>=42.0',
        'google-re2>=1.1',
        'keystonemiddleware>=10.0',
        'keystoneauth1>=5.0',
        # the console proxies (nova_core.console.proxy)
        'websockets>=13.0',
    ],
    extras_require={
        'libvirt': ['libvirt-python>=9.0'],
        # nova-core-all --keystone: a Keystone in this environment (else
        # it makes one of its own on first use, see nova_core.identity.venv)
        'keystone': ['keystone>=30,<31', 'gunicorn>=21'],
    },
    entry_points={
        'console_scripts': [
            'nova-core-api = nova_core.cmd.api:main',
            'nova-core-conductor = nova_core.cmd.conductor:main',
            'nova-core-compute = nova_core.cmd.compute:main',
            'nova-core-all = nova_core.cmd.all:main',
            'nova-core-manage = nova_core.cmd.manage:main',
            'nova-core-serialproxy = nova_core.cmd.consoleproxy:serial_main',
            'nova-core-novncproxy = nova_core.cmd.consoleproxy:novnc_main',
        ],
        'nova_core.virt_drivers': [
            'fake = nova_core_drivers.fake.driver:FakeDriver',
            'libvirt = nova_core_drivers.libvirt.driver:LibvirtDriver',
        ],
        'oslo.config.opts': [
            'nova_core = nova_core.conf.opts:list_opts',
            'nova_core.drivers.fake = nova_core_drivers.fake.conf:list_opts',
            'nova_core.drivers.libvirt = '
            'nova_core_drivers.libvirt.conf:list_opts',
        ],
        'oslo.policy.policies': [
            'nova_core = nova_core.policies:list_rules',
        ],
        'oslo.messaging.drivers': [
            'local = nova_core.local_transport:LocalDriver',
        ],
    },
)
