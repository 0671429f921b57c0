/* The smallest useful guest: one line on UART0, exit status 0. */
#include "runtime/runtime.h"

int main(void)
{
    uart_init();
    uart_puts("Hello from pyxen15 guest\n");
    return 0;
}
