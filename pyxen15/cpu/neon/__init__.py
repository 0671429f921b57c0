"""Advanced SIMD (NEON): the lane helper every vector family applies its
element operations through (lanes.py), and the NEON encodings' field legend."""
