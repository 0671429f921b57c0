/* Polled transmit on the PL011 UART0 (ARM DDI 0183). */
#include "runtime.h"

#define UARTDR    0x00      /* data register */
#define UARTFR    0x18      /* flag register */
#define UARTLCR_H 0x2C      /* line control */
#define UARTCR    0x30      /* control */

#define FR_TXFF   (1u << 5) /* transmit FIFO full */
#define LCR_WLEN8 (3u << 5) /* 8 data bits */
#define LCR_FEN   (1u << 4) /* FIFOs enabled */
#define CR_UARTEN (1u << 0)
#define CR_TXE    (1u << 8)
#define CR_RXE    (1u << 9)

static inline volatile uint32_t *uart_reg(uint32_t offset)
{
    return (volatile uint32_t *)(UART0_BASE + offset);
}

void uart_init(void)
{
    /* Out of reset the UART is disabled (UARTEN = 0): enable it, 8N1 with FIFOs.
       The baud rate divisors do not matter to an emulator's console. */
    *uart_reg(UARTCR) = 0;
    *uart_reg(UARTLCR_H) = LCR_WLEN8 | LCR_FEN;
    *uart_reg(UARTCR) = CR_UARTEN | CR_TXE | CR_RXE;
}

void uart_putc(char c)
{
    while (*uart_reg(UARTFR) & FR_TXFF)
        ;
    *uart_reg(UARTDR) = (uint8_t)c;
}

void uart_puts(const char *s)
{
    while (*s)
        uart_putc(*s++);
}

void uart_puthex32(uint32_t value)
{
    static const char digits[] = "0123456789abcdef";
    for (int shift = 28; shift >= 0; shift -= 4)
        uart_putc(digits[(value >> shift) & 0xF]);
}
