#!/bin/sh
# Build the rig's tiny guest kernel: build.sh OUTPUT.elf
# Needs only gcc (with -m32 code generation; no 32-bit libc) and binutils.
set -eu
src=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build.sh OUTPUT.elf}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
flags="-m32 -march=i686 -ffreestanding -fno-pic -fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables -nostdlib -O2 -Wall -Wextra -Werror"
gcc $flags -c "$src/entry.S" -o "$work/entry.o"
gcc $flags -c "$src/guest.c" -o "$work/guest.o"
ld -m elf_i386 -T "$src/guest.ld" -nostdlib -z noexecstack --no-warn-rwx-segments -o "$work/guest.elf" "$work/entry.o" "$work/guest.o"
# Atomic: concurrent builders never see a half-written kernel.
cp "$work/guest.elf" "$out.tmp.$$"
mv -f "$out.tmp.$$" "$out"
