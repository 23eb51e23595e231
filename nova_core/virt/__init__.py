"""The hypervisor driver interface and its loader."""
