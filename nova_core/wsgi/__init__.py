"""WSGI entry points for production HTTP servers (gunicorn, uwsgi, mod_wsgi).

:mod:`nova_core.wsgi.api` is nova-core-api's app, as Nova's
``nova.wsgi.osapi_compute``; :mod:`nova_core.wsgi.gunicorn_conf` the gunicorn
settings that go with it, and :mod:`nova_core.wsgi.worker` the gunicorn
worker those settings name.
"""
