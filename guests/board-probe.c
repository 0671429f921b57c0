/*
 * The board's devices as software sees them, for what both QEMU's
 * vexpress-a15 and pyxen15 model: the motherboard system registers and
 * their configuration bus, a PL011's reset state and IDs, the SP804s'
 * and the PL031's IDs and registers, an SP804 counting to an interrupt.
 * Printed values are compared byte for byte with QEMU's output.
 * (Not here: the SP810 and SP805, which QEMU does not model, and the
 * temperature sensors QEMU's configuration bus lacks.)
 */
#include "runtime/runtime.h"

#define REG(base, off) (*(volatile uint32_t *)((base) + (off)))

#define SYSREGS 0x1C010000u
#define UART1   0x1C0A0000u
#define TIMER01 0x1C110000u
#define TIMER23 0x1C120000u
#define RTC     0x1C170000u
#define SP810   0x1C020000u

static void put(const char *name, uint32_t value)
{
    uart_puts(name);
    uart_puts("=");
    uart_puthex32(value);
    uart_puts("\n");
}

static void ids(const char *name, uint32_t base)
{
    uint32_t pid = 0, cid = 0;
    for (int i = 0; i < 4; i++) {
        pid |= (REG(base, 0xFE0 + 4 * i) & 0xFF) << (8 * i);
        cid |= (REG(base, 0xFF0 + 4 * i) & 0xFF) << (8 * i);
    }
    uart_puts(name);
    put(" periphid", pid);
    uart_puts(name);
    put(" cellid", cid);
}

/* One configuration-bus read: function, site, device -> data, and status. */
static void cfg_read(const char *name, uint32_t function, uint32_t site, uint32_t device)
{
    REG(SYSREGS, 0xA8) = 0;
    REG(SYSREGS, 0xA4) = (1u << 31) | (function << 20) | (site << 16) | device;
    uint32_t stat;
    while (!((stat = REG(SYSREGS, 0xA8)) & 1))
        ;
    uart_puts(name);
    put(" stat", stat);
    if (!(stat & 2)) {
        uart_puts(name);
        put(" data", REG(SYSREGS, 0xA0));
    }
}

int main(void)
{
    uart_init();
    uart_puts("board-probe\n");

    put("SYS_ID", REG(SYSREGS, 0x00));
    put("SYS_PROCID0", REG(SYSREGS, 0x84));
    put("SYS_PROCID1", REG(SYSREGS, 0x88));
    put("SYS_MISC", REG(SYSREGS, 0x60));
    put("SYS_MCI", REG(SYSREGS, 0x48));
    REG(SYSREGS, 0x08) = 0xA5;
    put("SYS_LED", REG(SYSREGS, 0x08));
    REG(SYSREGS, 0x34) = 0xFFFFFFFF;
    REG(SYSREGS, 0x30) = 0x80008000;
    REG(SYSREGS, 0x30) = 0x3;
    put("SYS_FLAGS set", REG(SYSREGS, 0x30));
    REG(SYSREGS, 0x34) = 0x80000001;
    put("SYS_FLAGS clr", REG(SYSREGS, 0x30));
    REG(SYSREGS, 0x34) = 0xFFFFFFFF;

    cfg_read("osc mb 0", 1, 0, 0);
    cfg_read("osc mb 1", 1, 0, 1);
    cfg_read("osc mb 2", 1, 0, 2);
    cfg_read("osc mb 5", 1, 0, 5);
    cfg_read("osc db 0", 1, 1, 0);
    cfg_read("osc db 4", 1, 1, 4);
    cfg_read("osc db 5", 1, 1, 5);
    cfg_read("osc db 6", 1, 1, 6);
    cfg_read("osc db 7", 1, 1, 7);
    cfg_read("osc db 8", 1, 1, 8);
    cfg_read("volt mb 0", 2, 0, 0);
    cfg_read("volt db 0", 2, 1, 0);
    cfg_read("osc mb 9", 1, 0, 9);
    cfg_read("osc site2", 1, 2, 0);
    /* an oscillator write, read back */
    REG(SYSREGS, 0xA0) = 25175000;
    REG(SYSREGS, 0xA4) = (1u << 31) | (1u << 30) | (1u << 20) | 1;
    cfg_read("osc mb 1 set", 1, 0, 1);
    put("SYS_CFGCTRL", REG(SYSREGS, 0xA4));

    /* UART1 out of reset */
    ids("uart1", UART1);
    put("UARTCR", REG(UART1, 0x30));
    put("UARTFR", REG(UART1, 0x18) & 0xF8);
    put("UARTIFLS", REG(UART1, 0x34));
    put("UARTLCR_H", REG(UART1, 0x2C));
    put("UARTIMSC", REG(UART1, 0x38));
    put("UARTRIS", REG(UART1, 0x3C));
    REG(UART1, 0x38) = 0x7FF;
    put("UARTIMSC all", REG(UART1, 0x38));
    REG(UART1, 0x38) = 0;

    /* SP804s, timer 0 clocked from the 1 MHz TIMCLK through the SP810 (as
       Linux selects it; QEMU's SP804s always run at 1 MHz) */
    REG(SP810, 0x000) = 1u << 15;
    ids("timer01", TIMER01);
    ids("timer23", TIMER23);
    put("Timer1Control", REG(TIMER01, 0x08));
    put("Timer2Control", REG(TIMER01, 0x28));
    put("Timer1Load", REG(TIMER01, 0x00));
    /* Periodic mode first: QEMU reloads a free-running counter with its
       maximum on a Load write, where the SP804 TRM loads the value. */
    REG(TIMER01, 0x08) = 0x40;
    REG(TIMER01, 0x00) = 100;
    put("Timer1Load set", REG(TIMER01, 0x00));
    put("Timer1BGLoad", REG(TIMER01, 0x18));
    put("Timer1Value loaded", REG(TIMER01, 0x04));
    REG(TIMER01, 0x08) = 0xE2;          /* enable, periodic, interrupt enable, 32-bit */
    put("Timer1Control set", REG(TIMER01, 0x08));
    while (!(REG(TIMER01, 0x10) & 1))
        ;
    put("Timer1RIS", REG(TIMER01, 0x10));
    put("Timer1MIS", REG(TIMER01, 0x14));
    REG(TIMER01, 0x0C) = 1;
    REG(TIMER01, 0x08) = 0;
    put("Timer1RIS cleared", REG(TIMER01, 0x10));
    put("Timer1Value below load", REG(TIMER01, 0x04) <= 100);

    /* PL031 */
    ids("rtc", RTC);
    put("RTCCR", REG(RTC, 0x0C));
    put("RTCIMSC", REG(RTC, 0x10));
    put("RTCRIS", REG(RTC, 0x14));
    REG(RTC, 0x08) = 1000;
    put("RTCLR", REG(RTC, 0x08));
    put("RTCDR near", REG(RTC, 0x00) - 1000 < 2);
    REG(RTC, 0x04) = 0x12345678;
    put("RTCMR", REG(RTC, 0x04));

    uart_puts("done\n");
    return 0;
}
