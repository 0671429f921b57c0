/*
 * The tiny bare-metal runtime of the pyxen15 guests: PL011 UART0 output,
 * ARM semihosting calls, exit(), and the few string functions GCC may call
 * even in freestanding code.
 */
#ifndef PYXEN15_GUEST_RUNTIME_H
#define PYXEN15_GUEST_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

/* PL011 UART0 of the V2M-P1 motherboard (CoreTile Express A15x2 memory map). */
#define UART0_BASE 0x1C090000u

void uart_init(void);
void uart_putc(char c);
void uart_puts(const char *s);
void uart_puthex32(uint32_t value);     /* eight lower-case hex digits, no prefix */

/* ARM semihosting operations (r0) and reasons. */
#define SYS_OPEN            0x01
#define SYS_CLOSE           0x02
#define SYS_WRITEC          0x03
#define SYS_WRITE0          0x04
#define SYS_WRITE           0x05
#define SYS_CLOCK           0x10
#define SYS_EXIT            0x18
#define SYS_EXIT_EXTENDED   0x20
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

uint32_t semihost_call(uint32_t op, const void *param);
void semihost_writec(char c);
void semihost_write0(const char *s);
/* Handles come from SYS_OPEN: the name ":tt" with mode 4 ("w") is the
   console's output, mode 8 ("a") its error stream.  Returns -1 on failure. */
#define SEMIHOST_MODE_W 4
#define SEMIHOST_MODE_A 8
int32_t semihost_open(const char *name, uint32_t mode);
uint32_t semihost_write(uint32_t fd, const void *buf, uint32_t len);   /* bytes NOT written */
int32_t semihost_close(uint32_t fd);

/* Stop the machine with `status` (SYS_EXIT_EXTENDED, ADP_Stopped_ApplicationExit). */
void exit(int status) __attribute__((noreturn));

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

#endif
