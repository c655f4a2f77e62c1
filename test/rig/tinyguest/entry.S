/*
 * Entry point of the rig's tiny guest: a multiboot (v1) header, a flat GDT of
 * our own, a stack, and two helpers the C part needs for sleeping.
 *
 * Why no IRET: the guest only needs interrupts to wake from HLT (timer ticks).
 * Under nested virtualisation IRET in this setup has been seen to fail, so the
 * interrupt handler never returns through IRET; it unwinds to the stack that
 * sleep_until_irq() saved and returns from that function with IF cleared.
 */
        .set MULTIBOOT_MAGIC, 0x1BADB002
        .set MULTIBOOT_FLAGS, 0x3          /* page-align modules, want memory info */

        .section .multiboot, "a"
        .align 4
        .long MULTIBOOT_MAGIC
        .long MULTIBOOT_FLAGS
        .long -(MULTIBOOT_MAGIC + MULTIBOOT_FLAGS)

        .section .text
        .global guest_entry
guest_entry:
        cli
        movl $boot_stack_top, %esp
        lgdt gdt_pointer
        ljmp $0x08, $reload_segments
reload_segments:
        movw $0x10, %cx
        movw %cx, %ds
        movw %cx, %es
        movw %cx, %fs
        movw %cx, %gs
        movw %cx, %ss
        pushl %ebx                  /* multiboot info pointer */
        pushl %eax                  /* multiboot magic */
        call guest_main
halt_forever:
        cli
        hlt
        jmp halt_forever

/* void sleep_until_irq(void): enable interrupts, halt, come back with IF=0. */
        .global sleep_until_irq
sleep_until_irq:
        movl %esp, resume_esp
        sti
        hlt
        cli                         /* reached only if HLT woke without our handler */
        ret

/* Every vector lands here: count the tick, acknowledge both PICs, unwind. */
        .global irq_landing
irq_landing:
        incl timer_ticks
        movb $0x20, %al
        outb %al, $0xA0
        outb %al, $0x20
        movl resume_esp, %esp
        ret

        .section .data
        .align 8
gdt_table:
        .quad 0x0000000000000000
        .quad 0x00cf9a000000ffff    /* selector 0x08: flat 32-bit code */
        .quad 0x00cf92000000ffff    /* selector 0x10: flat 32-bit data */
gdt_pointer:
        .word gdt_pointer - gdt_table - 1
        .long gdt_table
        .global timer_ticks
timer_ticks:
        .long 0
resume_esp:
        .long 0

        .section .bss
        .align 16
boot_stack:
        .skip 16384
boot_stack_top:
