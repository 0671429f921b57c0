#!/usr/bin/env bash
# Count the guest instructions a bare-metal guest executes under QEMU.
#
# Debian's QEMU ships no TCG plugins (no libinsn.so), so this runs QEMU with
# one instruction per translation block (-singlestep), no block chaining and
# the "exec" trace: one log line per executed instruction, counted through a
# FIFO so nothing large touches the disk.  Instructions that trap (the
# semihosting SVCs) may be counted or not; the error is a handful per run.
#
# usage: count-insns.sh QEMU GUEST.elf
set -euo pipefail
qemu=${1:?usage: count-insns.sh QEMU GUEST.elf}
elf=${2:?usage: count-insns.sh QEMU GUEST.elf}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkfifo "$tmp/trace"
grep -c '^Trace' < "$tmp/trace" > "$tmp/count" &
counter=$!
QEMU_AUDIO_DRV=none timeout 900 "$qemu" -M vexpress-a15 -semihosting -nographic \
    -monitor none -singlestep -d exec,nochain -D "$tmp/trace" -kernel "$elf" > /dev/null
wait "$counter" || true
echo "$elf: $(cat "$tmp/count") instructions"
