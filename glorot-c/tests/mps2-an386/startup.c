/*
 * Minimal Cortex-M4F start-up for tests/test.c in QEMU's mps2-an386: the vector table, an
 * FPU enable (the hard-float code faults without it), then newlib's rdimon crt0 `_start`,
 * which zeroes .bss, sets up the heap over semihosting, runs main() and exits through
 * semihosting with main's status. Faults end the run with status 99.
 */
#include <stdint.h>

extern void _start(void);
extern void _exit(int status);
extern uint32_t __stack_top;

void reset_handler(void) {
    *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20; /* CPACR: CP10, CP11 full access */
    __asm volatile("dsb\n\tisb" ::: "memory");
    _start();
    for (;;) {
    }
}

static void fault_handler(void) {
    _exit(99);
}

__attribute__((section(".vectors"), used)) static void (*const vectors[16])(void) = {
    (void (*)(void))&__stack_top, /* initial stack pointer */
    reset_handler,
    fault_handler, /* NMI */
    fault_handler, /* HardFault */
    fault_handler, /* MemManage */
    fault_handler, /* BusFault */
    fault_handler, /* UsageFault */
    0, 0, 0, 0,
    fault_handler, /* SVCall */
    fault_handler, /* DebugMonitor */
    0,
    fault_handler, /* PendSV */
    fault_handler, /* SysTick */
};
