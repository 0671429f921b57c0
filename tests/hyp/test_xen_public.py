"""The structure layouts of xen_public.py against the offsets and sizes an
arm32 compiler gave for Xen's and Linux's public headers
(data/arm32-struct-offsets.txt, from /work/shared/reference)."""

import os
import re

import pytest

from pyxen15.hyp.xen_public import LAYOUTS

DATA = os.path.join(os.path.dirname(__file__), "data", "arm32-struct-offsets.txt")
# our field names that differ from the compiled ones (unions flattened)
RENAMED = {("evtchn_status", "u0"): "u", ("gnttab_copy", "source_u"): "source",
           ("gnttab_copy", "dest_u"): "dest"}
# fields ARM leaves unused, not modelled: vcpu_info.time (Xen/arm never fills it)
UNUSED = {("vcpu_info", "time")}


def compiled():
    sizes, offsets = {}, {}
    for line in open(DATA):
        m = re.match(r"->SIZE (\w+) (\d+)", line)
        if m:
            sizes[m.group(1)] = int(m.group(2))
        m = re.match(r"->OFF (\w+)\.(\w+) (\d+) size (\d+)", line)
        if m:
            offsets[(m.group(1), m.group(2))] = (int(m.group(3)), int(m.group(4)))
    return sizes, offsets


SIZES, OFFSETS = compiled()


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_layout_matches_the_compiled_header(name):
    layout = LAYOUTS[name]
    assert SIZES[name] == layout.size
    checked = 0
    for field, off, fmt in layout.fields:
        key = (name, RENAMED.get((name, field), field))
        if key in OFFSETS:
            assert OFFSETS[key][0] == off, field
            checked += 1
        else:      # a member of a nested struct: offset inside the compiled size
            assert off < layout.size
    assert checked or layout.size <= 8     # (the compiler listed only the size of these)


def test_every_compiled_field_of_a_layout_is_there():
    for (struct_name, field), (off, size) in OFFSETS.items():
        layout = LAYOUTS.get(struct_name)
        if layout is None or struct_name == "xen_platform_op" or size == 0 \
                or (struct_name, field) in UNUSED:
            continue
        offs = [o for _, o, _ in layout.fields]
        assert off in offs, (struct_name, field)
