/*
 * The rig's tiny guest: just enough of an "operating system" to exercise
 * libvirt's lifecycle and migration paths with real QEMU, in a few KiB.
 *
 * Kernel command line (libvirt <cmdline>):
 *   acpi=0    ignore the ACPI power button, so graceful shutdown times out
 *   fill=N    write N MiB of non-zero data once at boot (default: all RAM above 8 MiB)
 *   dirty=N   keep re-dirtying about N MiB/s of that RAM, so a migration stays busy
 * Everything is logged on COM1; "READY" marks the end of boot. A power-button
 * press before READY is latched by the enable bit set early, not lost.
 */
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;

extern void sleep_until_irq(void);
extern void irq_landing(void);
extern volatile u32 timer_ticks;

#define COM1 0x3f8
#define TICKS_PER_SECOND 100
#define PM1_PWRBTN 0x0100 /* PWRBTN_STS in PM1_STS, PWRBTN_EN in PM1_EN */
#define PM1_SLP_EN 0x2000 /* with SLP_TYP 0 = S5 (soft off) in QEMU's DSDT */

static inline void out8(u16 port, u8 v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline void out16(u16 port, u16 v) { __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port)); }
static inline void out32(u16 port, u32 v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }
static inline u8 in8(u16 port) { u8 v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline u16 in16(u16 port) { u16 v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline u32 in32(u16 port) { u32 v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }

/* ---- serial console ---------------------------------------------------- */
static void serial_init(void) {
  out8(COM1 + 1, 0x00); /* no UART interrupts */
  out8(COM1 + 3, 0x80); /* DLAB on: divisor follows */
  out8(COM1 + 0, 0x01); /* 115200 baud */
  out8(COM1 + 1, 0x00);
  out8(COM1 + 3, 0x03); /* 8N1 */
  out8(COM1 + 2, 0xc7); /* FIFO on, cleared */
}
static void put_char(char c) {
  for (u32 spin = 0; spin < 100000 && !(in8(COM1 + 5) & 0x20); spin++) {}
  out8(COM1, (u8)c);
}
static void put_str(const char *s) {
  for (; *s; s++) {
    if (*s == '\n') put_char('\r');
    put_char(*s);
  }
}
static void put_dec(u32 v) {
  char digits[11];
  int n = 0;
  do { digits[n++] = (char)('0' + v % 10); v /= 10; } while (v);
  while (n) put_char(digits[--n]);
}
static void log_kv(const char *key, u32 value) {
  put_str(" "); put_str(key); put_str("="); put_dec(value);
}

/* ---- command line ------------------------------------------------------ */
static char cmdline[256];

static void copy_cmdline(const char *src) {
  u32 i = 0;
  for (; src[i] && i < sizeof cmdline - 1; i++) cmdline[i] = src[i];
  cmdline[i] = 0;
}
/* Value of a `key=NUMBER` word, or `fallback` when the word is absent. */
static u32 cmdline_number(const char *key, u32 fallback) {
  for (const char *word = cmdline; *word; word++) {
    if (word != cmdline && word[-1] != ' ') continue;
    const char *k = key, *p = word;
    while (*k && *p == *k) { k++; p++; }
    if (*k || *p != '=') continue;
    u32 value = 0;
    for (p++; *p >= '0' && *p <= '9'; p++) value = value * 10 + (u32)(*p - '0');
    return value;
  }
  return fallback;
}

/* ---- ACPI power button ------------------------------------------------- */
static u32 pci_config(u32 dev, u32 fn, u32 reg) {
  out32(0xcf8, 0x80000000u | (dev << 11) | (fn << 8) | (reg & 0xfc));
  return in32(0xcfc);
}
/* PM I/O base of QEMU's chipsets: PIIX4 PM (pc, 00:01.3) or ICH9 LPC (q35, 00:1f.0). */
static u16 find_pm_base(void) {
  if (pci_config(1, 3, 0) == 0x71138086) return (u16)(pci_config(1, 3, 0x40) & 0xffc0);
  if (pci_config(0x1f, 0, 0) == 0x29188086) return (u16)(pci_config(0x1f, 0, 0x40) & 0xff80);
  return 0;
}

/* ---- timer interrupt, used only to wake from HLT ------------------------ */
struct gate { u16 offset_low, selector; u8 zero, type; u16 offset_high; } __attribute__((packed));
static struct gate idt[256];
static struct { u16 limit; u32 base; } __attribute__((packed)) idt_pointer;

static void start_timer(void) {
  u16 cs;
  __asm__ volatile("mov %%cs, %0" : "=r"(cs));
  u32 handler = (u32)irq_landing;
  for (int v = 0; v < 256; v++) {
    idt[v].offset_low = (u16)handler;
    idt[v].offset_high = (u16)(handler >> 16);
    idt[v].selector = cs;
    idt[v].zero = 0;
    idt[v].type = 0x8e; /* present, ring 0, 32-bit interrupt gate */
  }
  idt_pointer.limit = sizeof idt - 1;
  idt_pointer.base = (u32)idt;
  __asm__ volatile("lidt %0" : : "m"(idt_pointer));
  /* PICs: vectors 0x20/0x28, cascade on IRQ2, 8086 mode, only IRQ0 (PIT) unmasked. */
  out8(0x20, 0x11); out8(0xa0, 0x11);
  out8(0x21, 0x20); out8(0xa1, 0x28);
  out8(0x21, 0x04); out8(0xa1, 0x02);
  out8(0x21, 0x01); out8(0xa1, 0x01);
  out8(0x21, 0xfe); out8(0xa1, 0xff);
  u32 divisor = 1193182 / TICKS_PER_SECOND;
  out8(0x43, 0x34); /* channel 0, lobyte/hibyte, rate generator */
  out8(0x40, (u8)divisor);
  out8(0x40, (u8)(divisor >> 8));
}

/* ---- memory ------------------------------------------------------------ */
static u32 rng_state = 0x2545f491u;
static u32 next_random(void) {
  rng_state ^= rng_state << 13; rng_state ^= rng_state >> 17; rng_state ^= rng_state << 5;
  return rng_state | 1; /* never zero: zero pages would migrate for free */
}
/* One word per 64 bytes is enough to make every page distinct and dirty. */
static void fill_range(u32 start, u32 end) {
  for (u32 a = start; a < end; a += 64) *(volatile u32 *)a = next_random();
}

#define MIB (1024u * 1024u)
#define PAGE 4096u

void guest_main(u32 magic, const u32 *boot_info) {
  serial_init();
  put_str("tinyguest: booted\n");
  u32 upper_kib = 63 * 1024;
  if (magic == 0x2BADB002) {
    if (boot_info[0] & 0x1) upper_kib = boot_info[2];
    if ((boot_info[0] & 0x4) && boot_info[4]) copy_cmdline((const char *)boot_info[4]);
  }
  put_str("tinyguest: cmdline '"); put_str(cmdline); put_str("'\n");

  u32 acpi = cmdline_number("acpi", 1);
  u32 dirty_mib_s = cmdline_number("dirty", 0);
  /* Our image, stack and the boot info live below 8 MiB; the last MiB of RAM holds firmware tables. */
  u32 low = 8 * MIB;
  u32 high = MIB + upper_kib * 1024u;
  high = high > low + MIB ? high - MIB : low;
  u32 fill_mib = cmdline_number("fill", (high - low) / MIB);
  if (fill_mib < (high - low) / MIB) high = low + fill_mib * MIB;

  u16 pm = find_pm_base();
  if (pm) out16(pm + 2, PM1_PWRBTN);
  put_str("tinyguest:");
  log_kv("pm_base", pm); log_kv("acpi", acpi); log_kv("fill_mib", (high - low) / MIB); log_kv("dirty_mib_s", dirty_mib_s);
  put_str("\n");

  fill_range(low, high);
  put_str("tinyguest: READY\n");

  start_timer();
  u32 pages_per_tick = dirty_mib_s * (MIB / PAGE) / TICKS_PER_SECOND;
  if (dirty_mib_s && !pages_per_tick) pages_per_tick = 1;
  u32 cursor = low, laps = 0, last_report = 0;
  for (;;) {
    sleep_until_irq();
    for (u32 i = 0; i < pages_per_tick && high > low; i++) {
      *(volatile u32 *)cursor = next_random();
      cursor += PAGE;
      if (cursor >= high) { cursor = low; laps++; }
    }
    if (pm && (in16(pm) & PM1_PWRBTN)) {
      out16(pm, PM1_PWRBTN); /* write-1-to-clear */
      if (acpi) {
        put_str("tinyguest: power button, powering off\n");
        out16(pm + 4, PM1_SLP_EN);
      } else {
        put_str("tinyguest: power button ignored (acpi=0)\n");
      }
    }
    if (timer_ticks - last_report >= 10 * TICKS_PER_SECOND) {
      last_report = timer_ticks;
      put_str("tinyguest: alive"); log_kv("ticks", timer_ticks); log_kv("dirty_laps", laps); put_str("\n");
    }
  }
}
