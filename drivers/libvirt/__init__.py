"""The libvirt hypervisor driver (entry point ``libvirt``).

Modules: :mod:`.conf` (options), :mod:`.host` (connection, events,
resources), :mod:`.guest_xml` (domain XML), :mod:`.imagecache` (base
images), :mod:`.disk` (qemu-img), :mod:`.errors` (typed errors) and
:mod:`.driver` (the ComputeDriver).
"""
