import os
import sys

# the QEMU-vs-pyxen15 guest runner lives beside the GIC tests
sys.path.insert(0, os.path.join(os.path.dirname(__file__), os.pardir, "gic"))
