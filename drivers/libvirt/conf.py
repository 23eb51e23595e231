"""Options of the libvirt driver (``[libvirt]``).

This module must not import ``libvirt``: the config generator reads it on
hosts that do not run this driver.
"""
from oslo_config import cfg

libvirt_group = cfg.OptGroup('libvirt', title='Libvirt driver options')

connection_opts = [
    cfg.StrOpt(
        'connection_uri', default='qemu:///system',
        help='URI of the libvirt daemon to manage guests through, e.g. '
             '"qemu:///system", or "test:///default" for libvirt\'s '
             'in-memory test hypervisor.'),
    cfg.StrOpt(
        'virt_type', default='kvm', choices=[
            ('kvm', 'Hardware-accelerated guests; needs /dev/kvm.'),
            ('qemu', 'Emulated guests (QEMU TCG); slow, runs anywhere.')],
        help='Type of the guests\' domains.'),
    cfg.StrOpt(
        'hw_machine_type',
        help='QEMU machine type of guests, e.g. "pc" or "q35". By default '
             'libvirt picks the hypervisor\'s default.'),
]

storage_opts = [
    cfg.StrOpt(
        'instances_path', sample_default='$instances_path',
        help='Where each guest gets a directory holding its disk overlay, '
             'kernel, ramdisk and console log. By default the '
             '[DEFAULT] instances_path. QEMU must be able to read it and '
             'every parent directory.'),
    cfg.StrOpt(
        'images_path', sample_default='<instances_path>/_base',
        help='Where base images are cached, one file per image, fetched '
             'once per compute node and shared by guests\' overlays. By '
             'default the "_base" directory of the instances path.'),
    cfg.BoolOpt(
        'remove_unused_base_images', default=True,
        help='Whether cached base images that no guest uses are removed.'),
    cfg.IntOpt(
        'remove_unused_original_minimum_age_seconds', default=86400, min=0,
        help='Seconds a cached base image must have been unused before it '
             'is removed.'),
    cfg.IntOpt(
        'image_cache_manager_interval', default=2400, min=0,
        help='Seconds between two passes over the image cache that remove '
             'unused base images. 0 disables the pass.'),
]

guest_opts = [
    cfg.StrOpt(
        'default_kernel_cmdline',
        default='root=/dev/vda console=tty0 console=ttyS0',
        help='Kernel command line of guests booted from a kernel image when '
             'their image has no "os_command_line" property. '
             '"console=ttyS0" is always added so that the console log '
             'holds the kernel\'s messages.'),
    cfg.IntOpt(
        'console_output_max_bytes', default=102400, min=1024,
        help='Most bytes of the end of the console log that '
             'os-getConsoleOutput returns.'),
]

timing_opts = [
    cfg.IntOpt(
        'wait_soft_reboot_seconds', default=120, min=0,
        help='Seconds a soft (ACPI) reboot may take before the guest is '
             'hard rebooted instead.'),
    cfg.IntOpt(
        'stopped_event_delay', default=5, min=0,
        help='Seconds a "stopped" lifecycle event is held back, so that a '
             'guest that is only rebooting does not look stopped.'),
]

ALL_OPTS = connection_opts + storage_opts + guest_opts + timing_opts


def register_opts(conf):
    conf.register_group(libvirt_group)
    conf.register_opts(ALL_OPTS, group=libvirt_group)


def list_opts():
    """For oslo-config-generator, which wants ``(group, opts)`` pairs."""
    return [(libvirt_group, ALL_OPTS)]
