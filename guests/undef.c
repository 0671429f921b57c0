/*
 * Executes a permanently undefined instruction (UDF).  The start-up code's
 * vector catches it, prints "guest: unexpected undefined instruction
 * exception" over semihosting and exits with status 0x81 (0x80 + vector 1),
 * leaving {1, LR_und, SPSR_und} in guest_exception.
 */
#include "runtime/runtime.h"

int main(void)
{
    __asm__ volatile("udf #0");
    return 0;
}
