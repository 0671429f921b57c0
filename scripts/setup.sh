#!/usr/bin/env bash
# Set up everything pyxen15 needs on a Debian machine, idempotently:
#
#   1. Debian packages: PyPy, the bare-metal ARM cross compiler, QEMU (user and
#      system, the independent reference), the device-tree compiler,
#      gdb-multiarch (the GDB stub's test).  apt is
#      skipped entirely when everything is already there.
#   2. .venv       CPython (python3.11, else python3) with pyxen15 editable + deps
#   3. .venv-pypy  Debian's PyPy 3.9 with the same
#
# A venv is (re)installed only when it is missing or pyproject.toml / this
# script changed since its last successful install (stamp file inside it), so
# a second run takes well under a second.
#
# usage: scripts/setup.sh            (from anywhere; works as root or with sudo)
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD

log() { printf 'setup: %s\n' "$*"; }

# -- 1. Debian packages ---------------------------------------------------------

# command that proves the package is there -> package
declare -A COMMAND_PACKAGES=(
    [pypy3]=pypy3
    [arm-none-eabi-gcc]=gcc-arm-none-eabi
    [qemu-arm]=qemu-user
    [qemu-system-arm]=qemu-system-arm
    [dtc]=device-tree-compiler
    [gdb-multiarch]=gdb-multiarch
)
# packages with no command of their own
LIBRARY_PACKAGES=(pypy3-venv libnewlib-arm-none-eabi)

package_installed() {
    [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]
}

missing=()
for cmd in "${!COMMAND_PACKAGES[@]}"; do
    command -v "$cmd" >/dev/null 2>&1 || missing+=("${COMMAND_PACKAGES[$cmd]}")
done
for pkg in "${LIBRARY_PACKAGES[@]}"; do
    package_installed "$pkg" || missing+=("$pkg")
done

if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ]; then
        SUDO=()
    elif command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo)
    else
        log "missing Debian packages ${missing[*]} and not root (no sudo): install them and rerun"
        exit 1
    fi
    log "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    "${SUDO[@]}" apt-get update -qq
    "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
else
    log "Debian packages present"
fi

# -- 2./3. virtual environments ------------------------------------------------

# The stamp records what the venv was installed from.
want_stamp=$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -d' ' -f1)

pick_cpython() {
    local py
    for py in python3.11 python3; do
        if command -v "$py" >/dev/null 2>&1 &&
           "$py" -c 'import sys; sys.exit(sys.version_info < (3, 9))' 2>/dev/null; then
            echo "$py"
            return
        fi
    done
    log "no CPython >= 3.9 found (tried python3.11, python3)"
    exit 1
}

# make_venv DIR INTERPRETER [EXTRA PIP PACKAGES...]
make_venv() {
    local dir=$1 interp=$2 stamp="$1/.pyxen15-setup"
    shift 2
    if [ -x "$dir/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want_stamp" ]; then
        log "$dir up to date"
        return
    fi
    if [ ! -x "$dir/bin/python" ]; then
        log "creating $dir with $interp ($("$interp" -c 'import platform; print(platform.python_implementation(), platform.python_version())'))"
        rm -rf "$dir"
        "$interp" -m venv "$dir"
    fi
    log "installing pyxen15 (editable) and its dependencies into $dir"
    rm -f "$stamp"
    # An editable (PEP 660) install needs a recent pip; the venv's bundled one
    # (Debian's PyPy ships pip 23.0) is new enough, so no upgrade step.
    "$dir/bin/python" -m pip install --quiet --disable-pip-version-check -e "$ROOT" "$@" </dev/null
    echo "$want_stamp" > "$stamp"
}

# matplotlib draws `pyxen15 trace-report --plot` (CPython only: under PyPy it
# would build numpy from source, and the report is not a long run)
make_venv .venv "$(pick_cpython)" matplotlib
make_venv .venv-pypy pypy3

log "done: .venv ($(.venv/bin/python -c 'import platform; print(platform.python_version())')), .venv-pypy ($(.venv-pypy/bin/python -c 'import sys; print("PyPy %d.%d.%d" % sys.pypy_version_info[:3])'))"
