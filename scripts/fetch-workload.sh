#!/bin/bash
# Fetch the real workload of issue 7 -- Debian's armhf LPAE kernel, its
# vexpress-v2p-ca15-tc1.dtb and a static busybox -- and build a busybox
# initramfs, into a cache directory.  Nothing here is committed.
#
#   scripts/fetch-workload.sh [CACHE]      (default: .cache/workload in the repo,
#                                           or $PYXEN15_WORKLOAD)
#
# It uses apt-get with a private state directory (the machine's own apt
# configuration is not touched) for the armhf architecture, as
# ../shared/reference/workloads.md describes, and is idempotent: a second
# run with everything in place does nothing and prints the paths.
#
# Output, in CACHE:
#   zImage        the kernel (boot/vmlinuz-6.1.0-NN-armmp-lpae)
#   vexpress.dtb  vexpress-v2p-ca15-tc1.dtb
#   busybox       the static armhf busybox
#   initrd.gz     the initramfs: /bin/busybox, the kernel's Advanced SIMD
#                 modules (NEON_MODULES and what they need) and an /init that
#                 mounts proc, sys and devtmpfs, loads the modules if the
#                 command line says load_modules=1, prints MARKER, then runs
#                 a shell
#   kernel-version
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
cache="${1:-${PYXEN15_WORKLOAD:-$here/.cache/workload}}"
MARKER="PYXEN15-INIT-READY"
# Every NEON user Debian's kernel has is a module: the XOR calibration that
# picks the NEON routine, and the crypto drivers (their self-tests run as
# they register).  Bump INITRD_VERSION when the initramfs changes: a cache
# with an older one gets it rebuilt from the packages it already has.
NEON_MODULES="xor aes-arm-bs chacha-neon nhpoly1305-neon blake2b-neon sha1-arm-neon curve25519-neon poly1305-arm sha512-arm"
INITRD_VERSION=3
mkdir -p "$cache"
cache="$(cd "$cache" && pwd)"

# One fetch at a time per cache: the test suite's workers (pytest-xdist)
# each ask for the workload as they start, and two apt-get runs sharing one
# state directory delete each other's partial files.
exec 9>"$cache/.lock"
flock 9

if [ -s "$cache/zImage" ] && [ -s "$cache/vexpress.dtb" ] && [ -s "$cache/initrd.gz" ] \
        && [ "$(cat "$cache/initrd.version" 2>/dev/null)" = "$INITRD_VERSION" ]; then
    echo "$cache/zImage $cache/vexpress.dtb $cache/initrd.gz"
    exit 0
fi

for tool in apt-get apt-cache dpkg python3; do
    command -v "$tool" >/dev/null || { echo "fetch-workload: $tool not found" >&2; exit 1; }
done

# The initramfs, from the packages extracted at $root.
build_initramfs() {
    local root="$1" kver ird
    kver="$(cat "$cache/kernel-version")"
    ird="$cache/initramfs"
    rm -rf "$ird"
    mkdir -p "$ird/bin" "$ird/proc" "$ird/sys" "$ird/dev" "$ird/etc" "$ird/tmp"
    cp "$cache/busybox" "$ird/bin/busybox"
    python3 "$here/scripts/initramfs-modules.py" "$root/lib/modules/$kver" "$ird" $NEON_MODULES
    cat >"$ird/init" <<INIT
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# load_modules=1 on the kernel command line (an unknown parameter, which
# the kernel hands to init as a variable) loads the modules
if [ -n "\$load_modules" ]; then
    for m in \$(cat /etc/modules); do insmod /lib/modules/\$m.ko; done
fi
echo $MARKER
exec setsid cttyhack sh
INIT
    chmod 755 "$ird/init"
    echo "pyxen15 initramfs" >"$ird/etc/motd"
    python3 "$here/scripts/mkinitramfs.py" "$ird" "$cache/initrd.gz.tmp"
    mv "$cache/initrd.gz.tmp" "$cache/initrd.gz"
    echo "$INITRD_VERSION" >"$cache/initrd.version"
}

if [ -s "$cache/zImage" ] && [ -s "$cache/busybox" ] && [ -s "$cache/kernel-version" ] \
        && ls "$cache"/debs/linux-image-*.deb >/dev/null 2>&1; then
    # only the initramfs is out of date
    root="$cache/root"
    rm -rf "$root"
    mkdir -p "$root"
    dpkg -x "$(ls "$cache"/debs/linux-image-*.deb | head -n1)" "$root"
    build_initramfs "$root"
    rm -rf "$root"
    echo "$cache/zImage $cache/vexpress.dtb $cache/initrd.gz"
    exit 0
fi

state="$cache/apt"
mkdir -p "$state/lists/partial" "$state/archives/partial" "$cache/debs"
o=(-oAPT::Architecture=armhf -oAPT::Architectures=armhf
   "-oDir::State::Lists=$state/lists" "-oDir::Cache=$state/cache"
   "-oDir::State::status=/dev/null" "-oDebug::NoLocking=1")
mkdir -p "$state/cache"
# The security suite's index may fail for a foreign architecture; the main
# suite is enough, so a partial update is not fatal.
apt-get "${o[@]}" update >"$state/update.log" 2>&1 || echo "fetch-workload: apt-get update reported errors (see $state/update.log); going on" >&2

# The metapackage names the current ABI: linux-image-6.1.0-NN-armmp-lpae.
kpkg="$(apt-cache "${o[@]}" depends linux-image-armmp-lpae 2>/dev/null \
        | sed -n 's/^ *Depends: \(linux-image-6\.1\.0-[0-9]*-armmp-lpae\)$/\1/p' | head -n1)"
if [ -z "$kpkg" ]; then
    echo "fetch-workload: cannot find linux-image-6.1.0-*-armmp-lpae in the armhf index" >&2
    exit 1
fi
(cd "$cache/debs" && apt-get "${o[@]}" download "$kpkg" busybox-static >"$state/download.log" 2>&1) || {
    echo "fetch-workload: apt-get download failed (see $state/download.log)" >&2; exit 1; }

root="$cache/root"
rm -rf "$root"
mkdir -p "$root"
for f in "$cache"/debs/*.deb; do dpkg -x "$f" "$root"; done

kver="${kpkg#linux-image-}"
cp "$root/boot/vmlinuz-$kver" "$cache/zImage.tmp"
cp "$root/usr/lib/linux-image-$kver/vexpress-v2p-ca15-tc1.dtb" "$cache/vexpress.dtb"
cp "$root/bin/busybox" "$cache/busybox"
[ -f "$root/boot/config-$kver" ] && cp "$root/boot/config-$kver" "$cache/config"
[ -f "$root/boot/System.map-$kver" ] && cp "$root/boot/System.map-$kver" "$cache/System.map"
echo "$kver" >"$cache/kernel-version"

build_initramfs "$root"
mv "$cache/zImage.tmp" "$cache/zImage"
rm -rf "$root"
echo "$cache/zImage $cache/vexpress.dtb $cache/initrd.gz"
