/* The GDB stub's test guest (tests/debug/test_gdbstub.py): a function
 * called in a loop, a global it writes (for a watchpoint), and a line of
 * output that depends on both, so a run under gdb can be compared with a
 * run without it. */
#include "runtime/runtime.h"

volatile uint32_t total;

uint32_t __attribute__((noinline)) accumulate(uint32_t x)
{
    total = total * 3 + x;
    return total;
}

int main(void)
{
    uint32_t last = 0;
    uart_init();
    for (uint32_t i = 1; i <= 10; i++)
        last = accumulate(i);
    uart_puts("gdb-target: total ");
    uart_puthex32(last);
    uart_puts("\n");
    return 0;
}
