"""Server groups as the API shows them: ``policies`` and an empty
``metadata`` before 2.64, ``policy`` and ``rules`` since; ``project_id``
and ``user_id`` from 2.13."""


def group(row, version):
    view = {'id': row['uuid'], 'name': row['name']}
    if version.matches('2.64'):
        view['policy'] = row['policy']
        view['rules'] = _rules(row['rules'])
    else:
        view['policies'] = [row['policy']]
        view['metadata'] = {}
    view['members'] = list(row['members'])
    if version.matches('2.13'):
        view['project_id'] = row['project_id']
        view['user_id'] = row['user_id']
    return view


def _rules(rules):
    """``max_server_per_host`` is an integer whatever form it came in."""
    return {k: int(v) if k == 'max_server_per_host' else v
            for k, v in (rules or {}).items()}
