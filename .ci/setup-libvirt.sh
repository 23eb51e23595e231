#!/bin/bash
# Install libvirt + QEMU for the libvirt driver's tests and build a tiny
# guest (Debian cloud kernel + busybox initramfs).  Idempotent; run as root.
#
#   bash .ci/setup-libvirt.sh            # everything
#   GUEST_DIR=/some/dir bash .ci/setup-libvirt.sh
#
# The guest lands in $GUEST_DIR (default /var/lib/libvirt/images/nova-core-guest):
#   vmlinuz      the cloud kernel
#   initrd.img   busybox initramfs whose /init prints "nova-core guest up" on
#                the serial console, powers off on the ACPI power button
#                (busybox acpid), and with a NIC asks DHCP for an address,
#                prints "nova-core guest ip ADDRESS" and serves HTTP on port
#                80 (a page naming that address); otherwise it idles
#   disk.qcow2   a small empty qcow2 used as the "machine" image
set -euo pipefail

GUEST_DIR=${GUEST_DIR:-/var/lib/libvirt/images/nova-core-guest}
CACHE_DIR=${CACHE_DIR:-/var/cache/nova-core-ci}
PYTHON=${PYTHON:-python3}
export DEBIAN_FRONTEND=noninteractive

say() { echo "setup-libvirt: $*"; }

install_packages() {
    # dnsmasq-base: the DHCP of libvirt networks; iproute2: the tests'
    # network namespaces.
    local pkgs="libvirt-dev pkg-config libvirt-daemon-system qemu-system-x86 qemu-utils busybox-static dnsmasq-base iproute2"
    local missing=""
    for p in $pkgs; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
    done
    if [ -n "$missing" ]; then
        say "installing:$missing"
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends $missing >/dev/null
    else
        say "packages already installed"
    fi
    if ! "$PYTHON" -c 'import libvirt' 2>/dev/null; then
        say "pip installing libvirt-python"
        "$PYTHON" -m pip install -q 'libvirt-python>=9.0'
    fi
}

fix_kvm() {
    if [ -e /dev/kvm ]; then
        getent group kvm >/dev/null || groupadd -r kvm
        chgrp kvm /dev/kvm && chmod 0660 /dev/kvm
        say "/dev/kvm: $(stat -c '%A %G' /dev/kvm)"
    fi
}

start_daemons() {
    mkdir -p /var/run/libvirt /var/log/libvirt/qemu
    if ! pgrep -x virtlogd >/dev/null; then
        /usr/sbin/virtlogd -d && say "started virtlogd"
    fi
    if ! pgrep -x libvirtd >/dev/null; then
        /usr/sbin/libvirtd -d && say "started libvirtd"
    fi
    for _ in $(seq 1 30); do
        virsh -c qemu:///system version >/dev/null 2>&1 && break
        sleep 1
    done
    virsh -c qemu:///system version >/dev/null || { say "libvirtd not answering"; exit 1; }
    say "libvirtd up: $(virsh -c qemu:///system version | grep -i 'running hypervisor' || true)"
}

fetch_kernel() {
    local pkg
    pkg=$(apt-cache depends linux-image-cloud-amd64 | awk '/Depends: linux-image-/ {print $2; exit}')
    [ -n "$pkg" ] || { say "cannot resolve linux-image-cloud-amd64"; exit 1; }
    local root="$CACHE_DIR/$pkg"
    if [ ! -d "$root/boot" ]; then
        mkdir -p "$CACHE_DIR"
        (cd "$CACHE_DIR" && rm -f "${pkg}"_*.deb && apt-get download -qq "$pkg")
        rm -rf "$root.tmp" && mkdir -p "$root.tmp"
        dpkg-deb -x "$CACHE_DIR/${pkg}"_*.deb "$root.tmp"
        mv "$root.tmp" "$root"
        say "unpacked $pkg"
    fi
    KROOT=$root
    KVER=${pkg#linux-image-}
}

build_initramfs() {
    local work out="$1"
    work=$(mktemp -d)
    mkdir -p "$work"/{bin,sbin,proc,sys,dev,tmp,var/log,var/run,lib/modules,etc/acpi/PWRF}
    cp /bin/busybox "$work/bin/busybox"
    # Modules busybox acpid needs to see the power button and those of the
    # virtio NIC, when not built in; /lib/modules/order loads them in turn.
    local mdir="$KROOT/lib/modules/$KVER/kernel" m f
    for m in drivers/input/evdev drivers/acpi/button drivers/virtio/virtio \
             drivers/virtio/virtio_ring drivers/virtio/virtio_pci_legacy_dev \
             drivers/virtio/virtio_pci_modern_dev drivers/virtio/virtio_pci \
             net/core/failover drivers/net/net_failover drivers/net/virtio_net; do
        for f in "$mdir/$m.ko" "$mdir/$m.ko.xz" "$mdir/$m.ko.zst"; do
            [ -f "$f" ] && cp "$f" "$work/lib/modules/" && echo "${m##*/}" >>"$work/lib/modules/order"
        done
    done
    # busybox insmod cannot read compressed modules: unpack them here.
    for f in "$work"/lib/modules/*.xz; do [ -f "$f" ] && xz -d "$f"; done
    for f in "$work"/lib/modules/*.zst; do [ -f "$f" ] && zstd -q -d --rm "$f"; done
    # udhcpc's script: the lease configures the NIC and is reported on the
    # console and by the HTTP page.
    mkdir -p "$work/www"
    cat >"$work/etc/udhcpc.script" <<'EOF'
#!/bin/sh
case "$1" in
deconfig)
    ifconfig "$interface" 0.0.0.0 up
    ;;
bound|renew)
    ifconfig "$interface" "$ip" netmask "${subnet:-255.255.255.0}" up
    if [ -n "$router" ]; then
        while route del default gw 0.0.0.0 dev "$interface" 2>/dev/null; do :; done
        route add default gw "${router%% *}" dev "$interface"
    fi
    echo "nova-core guest $ip" >/www/index.html
    echo "nova-core guest ip $ip" >/dev/console
    ;;
esac
exit 0
EOF
    chmod 0755 "$work/etc/udhcpc.script"
    cat >"$work/etc/acpi/PWRF/00000080" <<'EOF'
#!/bin/sh
echo "nova-core guest: power button, powering off" >/dev/console
sync
poweroff -f
EOF
    chmod 0755 "$work/etc/acpi/PWRF/00000080"
    cat >"$work/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
/bin/busybox --install -s /sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# Modules in order; a second pass for any whose dependency came later.
for pass in 1 2; do
    for m in $(cat /lib/modules/order 2>/dev/null); do
        grep -q "^$m " /proc/modules || insmod "/lib/modules/$m.ko" 2>/dev/null
    done
done
sleep 1
acpid -c /etc/acpi -l /var/log/acpid.log
echo "nova-core guest: modules: $(cut -d' ' -f1 /proc/modules | tr '\n' ' ') input: $(ls /dev/input 2>/dev/null | tr '\n' ' ')" >/dev/console
echo "nova-core guest up: $(uname -r) $(cat /proc/cmdline)" >/dev/console
ip link set lo up
if [ -e /sys/class/net/eth0 ]; then
    httpd -p 80 -h /www
    udhcpc -i eth0 -s /etc/udhcpc.script -b -t 20 -T 1 -A 2 -x hostname:nova-core-guest
fi
while true; do sleep 3600; done
EOF
    chmod 0755 "$work/init"
    (cd "$work" && find . | busybox cpio -o -H newc 2>/dev/null | gzip -9 >"$out.tmp")
    mv "$out.tmp" "$out"
    rm -rf "$work"
}

build_guest() {
    fetch_kernel
    mkdir -p "$GUEST_DIR"
    local vmlinuz="$KROOT/boot/vmlinuz-$KVER"
    [ -f "$vmlinuz" ] || { say "no kernel at $vmlinuz"; exit 1; }
    cmp -s "$vmlinuz" "$GUEST_DIR/vmlinuz" || cp "$vmlinuz" "$GUEST_DIR/vmlinuz"
    local stamp="$GUEST_DIR/.initrd-$KVER-v5"
    if [ ! -f "$stamp" ] || [ ! -f "$GUEST_DIR/initrd.img" ]; then
        build_initramfs "$GUEST_DIR/initrd.img"
        rm -f "$GUEST_DIR"/.initrd-* && touch "$stamp"
        say "built initramfs"
    fi
    [ -f "$GUEST_DIR/disk.qcow2" ] || qemu-img create -q -f qcow2 "$GUEST_DIR/disk.qcow2" 64M
    chmod 0755 /var/lib/libvirt /var/lib/libvirt/images "$GUEST_DIR"
    chmod 0644 "$GUEST_DIR"/vmlinuz "$GUEST_DIR"/initrd.img "$GUEST_DIR"/disk.qcow2
    say "guest in $GUEST_DIR (kernel $KVER):"
    ls -l "$GUEST_DIR"
}

install_packages
fix_kvm
start_daemons
build_guest
say "done"
