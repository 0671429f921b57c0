"""Xen's error codes (xen/include/public/errno.h).

A hypercall returns 0 or a positive value on success and -XEN_E* on
failure, in r0.  Xen's values are Linux's, so the guest's kernel reads
them as its own errno values.
"""

XEN_EPERM = 1        # Operation not permitted
XEN_ENOENT = 2       # No such file or directory (no such vCPU, ...)
XEN_ESRCH = 3        # No such process (no such domain)
XEN_EINTR = 4
XEN_EIO = 5
XEN_ENXIO = 6
XEN_E2BIG = 7        # Argument list too long
XEN_ENOMEM = 12
XEN_EACCES = 13      # Permission denied (wrong interface version)
XEN_EFAULT = 14      # Bad address: a guest pointer that does not translate
XEN_EBUSY = 16
XEN_EEXIST = 17
XEN_EINVAL = 22
XEN_ENOSPC = 28
XEN_ENOSYS = 38      # Function not implemented: unknown hypercall or sub-op
XEN_ENODATA = 61
XEN_EOPNOTSUPP = 95
