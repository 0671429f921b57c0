/*
 * Exercises the semihosting console calls: SYS_WRITE0, SYS_WRITEC, and
 * SYS_OPEN(":tt", "w") + SYS_WRITE + SYS_CLOSE.  Exit status 0 when every
 * call reported success, else the number of the first failing step.
 */
#include "runtime/runtime.h"

int main(void)
{
    static const char line[] = "semihosting: SYS_WRITE\n";

    semihost_write0("semihosting: SYS_WRITE0\n");
    for (const char *p = "semihosting: SYS_WRITEC\n"; *p; p++)
        semihost_writec(*p);

    int32_t fd = semihost_open(":tt", SEMIHOST_MODE_W);
    if (fd < 0)
        return 1;
    if (semihost_write((uint32_t)fd, line, sizeof line - 1) != 0)
        return 2;
    if (semihost_close((uint32_t)fd) != 0)
        return 3;
    return 0;
}
