"""Hypervisor drivers shipped with nova-core (package ``nova_core_drivers``).

nova-core loads them only through the ``nova_core.virt_drivers`` entry
points, as it would a driver from any other distribution.
"""
