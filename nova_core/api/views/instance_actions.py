"""Instance actions and their events as the API shows them."""
import hashlib

from nova_core.api import links

_ACTION_FIELDS = ('action', 'instance_uuid', 'message', 'project_id',
                  'request_id', 'user_id')


def action(row, version):
    view = {k: row[k] for k in _ACTION_FIELDS}
    view['start_time'] = links.usage_time(row['start_time'])
    if version.matches('2.58'):
        view['updated_at'] = links.usage_time(row['updated_at'] or
                                              row['created_at'])
    return view


def event(row, version, project_id, show_traceback, show_details):
    view = {'event': row['event'], 'result': row['result'],
            'start_time': links.usage_time(row['start_time']),
            'finish_time': links.usage_time(row['finish_time'])}
    if show_traceback:
        view['traceback'] = row['traceback']
    if version.matches('2.62'):
        host = row['host'] or ''
        view['hostId'] = (hashlib.sha224((project_id + host).encode())
                          .hexdigest() if host else '')
        if show_traceback:
            view['host'] = host
    if version.matches('2.84') and show_details:
        view['details'] = row['details']
    return view
