"""Instance state names (``vm_state``, ``task_state``, ``power_state``).

Below every service: the API, the database layer, the conductor, compute
and the drivers all name states, and none should import another's
package to do so.
"""
