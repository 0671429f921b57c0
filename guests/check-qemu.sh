#!/usr/bin/env bash
# Run every guest under QEMU's vexpress-a15 (an independent implementation of
# the same board) and check its console output and exit status.
#
# usage: check-qemu.sh [QEMU]     (from guests/, after `make`)
set -euo pipefail
cd "$(dirname "$0")"
qemu=${1:-qemu-system-arm}
expected_checksum=$(cat bench.expected)
expected_fp_checksum=$(cat fpbench.expected)
expected_neon_checksum=$(cat neonbench.expected)
failures=0

machine=vexpress-a15

# check NAME WANT_STATUS WANT_TEXT...   (on $machine)
check() {
    local name=$1 want_status=$2 status=0 out
    shift 2
    out=$(QEMU_AUDIO_DRV=none timeout 60 "$qemu" -M "$machine" -semihosting \
          -nographic -monitor none -kernel "build/$name.elf" 2>&1 </dev/null) || status=$?
    local ok=1
    [ "$status" -eq "$want_status" ] || ok=0
    for text in "$@"; do
        grep -qF -- "$text" <<<"$out" || ok=0
    done
    if [ "$ok" -eq 1 ]; then
        echo "ok   $name (status $status)"
    else
        echo "FAIL $name: status $status (want $want_status), output:"
        sed 's/^/     | /' <<<"$out"
        failures=$((failures + 1))
    fi
}

check hello 0 "Hello from pyxen15 guest"
check hello-thumb 0 "Hello from pyxen15 guest"
check exit3 3
check undef 129 "guest: unexpected undefined instruction exception"
check semiwrite 0 "semihosting: SYS_WRITE0" "semihosting: SYS_WRITEC" "semihosting: SYS_WRITE"
check bench 0 "bench checksum: $expected_checksum"
check bench-thumb 0 "bench checksum: $expected_checksum"
check fpbench 0 "fpbench checksum: $expected_fp_checksum"
check neonbench 0 "neonbench checksum: $expected_neon_checksum"
check vfplazy 0 "vfplazy: done"
# Started in HYP mode, with a monitor of its own there.
machine=vexpress-a15,secure=off,virtualization=on
check vfplazy 0 "vfplazy: done"
check vfptrap 0 "vfptrap: done"

# The MMU conformance guests start in HYP (virtualization=on) and end with
# "NAME: done"; tests/conformance/test_mmu_guests.py compares their output
# with pyxen15's.
for elf in build/mmu-*.elf; do
    name=$(basename "$elf" .elf)
    status=0
    out=$(QEMU_AUDIO_DRV=none timeout 60 "$qemu" -M vexpress-a15,secure=off,virtualization=on \
          -m 256M -semihosting -nographic -monitor none -kernel "$elf" 2>/dev/null </dev/null) || status=$?
    if [ "$status" -eq 0 ] && grep -qxF -- "${name#mmu-}: done" <<<"$out"; then
        echo "ok   $name (status 0)"
    else
        echo "FAIL $name: status $status, output:"
        sed 's/^/     | /' <<<"$out"
        failures=$((failures + 1))
    fi
done

[ "$failures" -eq 0 ] || { echo "$failures guest(s) failed under QEMU"; exit 1; }
