/* Exits with status 3 through SYS_EXIT_EXTENDED, printing nothing. */
#include "runtime/runtime.h"

int main(void)
{
    exit(3);
}
