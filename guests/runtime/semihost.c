/*
 * ARM semihosting: the operation in r0, its parameter in r1, the trap
 * instruction SVC 0x123456 in A32 or SVC 0xAB in T32; the result comes back
 * in r0.  Should the SVC really be taken (a host without semihosting), it
 * would overwrite LR_svc, so LR is listed as clobbered.
 */
#include "runtime.h"

#if defined(__thumb__)
#define SEMIHOST_TRAP "svc 0xab"
#else
#define SEMIHOST_TRAP "svc 0x123456"
#endif

uint32_t semihost_call(uint32_t op, const void *param)
{
    register uint32_t r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = param;
    __asm__ volatile(SEMIHOST_TRAP : "+r"(r0) : "r"(r1) : "memory", "lr");
    return r0;
}

void semihost_writec(char c)
{
    semihost_call(SYS_WRITEC, &c);
}

void semihost_write0(const char *s)
{
    semihost_call(SYS_WRITE0, s);
}

int32_t semihost_open(const char *name, uint32_t mode)
{
    uint32_t block[3] = { (uint32_t)(uintptr_t)name, mode, (uint32_t)strlen(name) };
    return (int32_t)semihost_call(SYS_OPEN, block);
}

int32_t semihost_close(uint32_t fd)
{
    return (int32_t)semihost_call(SYS_CLOSE, &fd);
}

uint32_t semihost_write(uint32_t fd, const void *buf, uint32_t len)
{
    uint32_t block[3] = { fd, (uint32_t)(uintptr_t)buf, len };
    return semihost_call(SYS_WRITE, block);
}

void exit(int status)
{
    uint32_t block[2] = { ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status };
    semihost_call(SYS_EXIT_EXTENDED, block);
    /* A host without SYS_EXIT_EXTENDED: plain SYS_EXIT only tells success
       (ADP_Stopped_ApplicationExit) from failure (any other reason). */
    semihost_call(SYS_EXIT, (const void *)(uintptr_t)(status == 0 ? ADP_STOPPED_APPLICATION_EXIT
                                                                   : 0x20023u));
    for (;;)
        ;
}
