"""Websocket proxies to guests' consoles (``nova-core-serialproxy``,
``nova-core-novncproxy``; see :mod:`nova_core.console.proxy`)."""
