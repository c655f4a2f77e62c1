#!/bin/bash
# xen-rig.sh — two real Xen 4.17 hosts with libvirt's libxl driver, inside QEMU/TCG (no KVM needed).
#
#   install          apt-get the host tools if missing (debootstrap, QEMU, socat, virsh)
#   build            debootstrap the dom0 (cached under $XEN_RIG_CACHE, keyed by the package list), then
#                    the dom0 disk image, Xen's multiboot ELF and the tiny PV guest; a no-op when cached
#   start [N]        build if needed, boot N hosts (default 2), return when every libvirtd answers; idempotent
#   stop             power off the hosts this script started (by pid file)
#   release SESSION  stop the hosts if SESSION started them (a test run's teardown)
#   status           which hosts run, their URIs and `xl list`; exit 3 when not all are running
#   env              KEY='value' lines (XEN_RIG_URI1, XEN_RIG_PEER_URI1, XEN_RIG_GUEST_KERNEL, ...)
#   sh N CMD         run one shell command in dom0 of host N (the rig's test agent)
#   log N            the serial log (Xen + dom0 console) of host N
#
# Host N: libvirtd on xen+tcp://127.0.0.1:$((XEN_RIG_PORT_BASE+N))/system, agent on 127.0.0.1:$((XEN_RIG_PORT_BASE+10+N)),
# both QEMU hostfwd bound to loopback. Between themselves the hosts use a QEMU socket network on loopback
# (192.168.77.0/24, names xenrig1 / xenrig2): a source libvirtd reaches its peer as xen+tcp://xenrigN/system.
# Root only. Every command that changes state holds a flock on $XEN_RIG_RUN/lock.
set -uo pipefail

CACHE=${XEN_RIG_CACHE:-/var/tmp/xend2libxl-xen}
RUN=${XEN_RIG_RUN:-$CACHE/run}
PORT_BASE=${XEN_RIG_PORT_BASE:-16600}
NETPORT=${XEN_RIG_NETPORT:-16699}
VM_MEM=${XEN_RIG_MEM:-2304}            # MiB per QEMU VM: dom0 gets DOM0_MEM, guests share the rest (~1.5 GiB)
DOM0_MEM=${XEN_RIG_DOM0_MEM:-768}
# TCG has no VMX; SVM+NPT give HVM. A Centaur vendor keeps SEP, which libvirt's CPU models need.
# `-cpu max` crashes dom0 (SMAP/SMEP) and made libvirtd segfault; this one was stable (shared/xen-lab).
CPU=${XEN_RIG_CPU:-Nehalem,+svm,+npt,vendor=CentaurHauls}
BOOT_TIMEOUT=${XEN_RIG_BOOT_TIMEOUT:-600}
HERE=$(cd "$(dirname "$0")" && pwd)
SUITE=bookworm
DOM0_PACKAGES="linux-image-amd64 xen-hypervisor-4.17-amd64 xen-utils-4.17 xen-utils-common libvirt-daemon
libvirt-daemon-driver-xen libvirt-clients busybox-static iproute2 kmod qemu-system-xen procps udev socat
ca-certificates"
HOST_PACKAGES="debootstrap qemu-system-x86 qemu-utils e2fsprogs socat libvirt-clients"
# The debootstrap result depends only on the suite and the package list: that is the cache key, so a
# machine that already built it (CI runs on the session's machine) starts in under a minute.
KEY=$(printf '%s %s\n' "$SUITE" "$(echo $DOM0_PACKAGES)" | sha256sum | cut -c1-16)
ROOTFS=$CACHE/rootfs-$KEY
# The image also carries our dom0 init and guest files: rebuilt (10 s) when they change.
IMG_KEY=$(cat "$HERE/dom0/rig-init" "$HERE"/guest/* "$0" | sha256sum | cut -c1-12)
IMG=$CACHE/dom0-$KEY-$IMG_KEY.img
BOOT=$CACHE/boot-$KEY-$IMG_KEY
HOSTS_MAX=2

say() { echo "[xen-rig] $*" >&2; }
die() { say "error: $*"; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
need_root() { [ "$(id -u)" = 0 ] || die "must run as root (debootstrap, QEMU networking and the cache need it)"; }

uri()      { echo "xen+tcp://127.0.0.1:$((PORT_BASE + $1))/system"; }
peer_uri() { echo "xen+tcp://xenrig$1/system"; }
pidfile()  { echo "$RUN/host$1.pid"; }
running()  { local p; p=$(cat "$(pidfile "$1")" 2>/dev/null) && [ -n "$p" ] && kill -0 "$p" 2>/dev/null && grep -q qemu "/proc/$p/comm" 2>/dev/null; }

with_lock() {
  mkdir -p "$RUN" || die "cannot create $RUN"
  exec 9>"$RUN/lock"
  flock -w 1800 9 || die "timed out waiting for $RUN/lock (another build or start running?)"
  "$@"
}

# The Debian mirror is the one this machine's apt already uses.
apt_mirror() {
  local m=${XEN_RIG_MIRROR:-}
  [ -n "$m" ] && { echo "$m"; return; }
  m=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null)
  [ -n "$m" ] || m=$(awk '$1 == "deb" && $3 ~ /^bookworm$/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null)
  [ -n "$m" ] || die "no Debian mirror found in apt's sources; set XEN_RIG_MIRROR"
  echo "$m"
}

do_install() {
  need_root
  local p missing=""
  for p in $HOST_PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
  done
  [ -z "$missing" ] && return 0
  say "installing:$missing"
  mkdir -p "$CACHE"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing >"$CACHE/apt.log" 2>&1 ||
    { apt-get update >>"$CACHE/apt.log" 2>&1 &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing >>"$CACHE/apt.log" 2>&1; } ||
    die "apt-get install failed, see $CACHE/apt.log"
}

build_rootfs() {
  [ -f "$ROOTFS/.complete" ] && return 0
  local t0 tmp=$ROOTFS.partial; t0=$(now)
  rm -rf "$tmp"; mkdir -p "$CACHE/debcache"
  say "debootstrap $SUITE with Xen 4.17 + libvirt (about 12 minutes; cached in $ROOTFS)"
  debootstrap --variant=minbase --cache-dir="$CACHE/debcache" --include="$(echo $DOM0_PACKAGES | tr ' ' ,)" \
    "$SUITE" "$tmp" "$(apt_mirror)" >"$CACHE/debootstrap.log" 2>&1 ||
    { tail -20 "$CACHE/debootstrap.log" >&2; die "debootstrap failed (log: $CACHE/debootstrap.log)"; }
  touch "$tmp/.complete"
  mv "$tmp" "$ROOTFS"
  say "debootstrap done in $(since "$t0") s"
}

configure_rootfs() {
  local R=$ROOTFS
  install -m 755 "$HERE/dom0/rig-init" "$R/sbin/rig-init"
  printf '127.0.0.1 localhost\n192.168.77.1 xenrig1\n192.168.77.2 xenrig2\n' >"$R/etc/hosts"
  printf '/dev/vda / ext4 defaults 0 1\n' >"$R/etc/fstab"
  # dom0's memory is fixed by dom0_mem: neither xl nor libvirt may balloon it down for a guest.
  sed -i 's/^#\?autoballoon=.*/autoballoon="off"/' "$R/etc/xen/xl.conf"
  grep -q '^autoballoon' "$R/etc/xen/xl.conf" || echo 'autoballoon="off"' >>"$R/etc/xen/xl.conf"
  [ -f "$R/etc/libvirt/libxl.conf" ] && sed -i 's/^#\?autoballoon *=.*/autoballoon = 0/' "$R/etc/libvirt/libxl.conf"
  # Every guest console is logged to /var/log/xen/console/guest-NAME.log: that is how tests see READY.
  grep -q '^XENCONSOLED_ARGS=' "$R/etc/default/xen" 2>/dev/null ||
    echo 'XENCONSOLED_ARGS="--log=guest --log-dir=/var/log/xen/console --timestamp=guest"' >>"$R/etc/default/xen"
  # libvirtd exits when any state driver fails to load; the QEMU driver wants a user this dom0 lacks.
  rm -f "$R"/usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_qemu.so
  # The tiny guest, inside dom0: libxl reads a PV guest's kernel and initrd from dom0's file system.
  mkdir -p "$R/var/lib/xen-rig"
  cp "$BOOT.tmp/domU-vmlinuz" "$BOOT.tmp/domU-initrd.gz" "$R/var/lib/xen-rig/"
}

build_guest_initrd() {
  local g; g=$(mktemp -d)
  mkdir -p "$g"/{bin,sbin,proc,sys,dev,mnt,tmp}
  cp "$ROOTFS/bin/busybox" "$g/bin/busybox"
  install -m 755 "$HERE/guest/init" "$g/init"
  install -m 755 "$HERE/guest/poweroff" "$g/sbin/poweroff"
  install -m 755 "$HERE/guest/reboot" "$g/sbin/reboot"
  ln -s /bin/busybox "$g/bin/sh"
  (cd "$g" && find . | "$ROOTFS/bin/busybox" cpio -o -H newc 2>/dev/null | gzip -9) >"$BOOT.tmp/domU-initrd.gz"
  rm -rf "$g"
}

do_build() {
  need_root
  do_install
  build_rootfs
  [ -f "$IMG" ] && [ -d "$BOOT" ] && return 0
  local t0 xen kernel initrd; t0=$(now)
  rm -rf "$BOOT.tmp"; mkdir -p "$BOOT.tmp"
  # QEMU's multiboot loader takes the 32-bit ELF, not the gzipped image GRUB would load.
  xen=$(ls "$ROOTFS"/boot/xen-4.17*-amd64.gz 2>/dev/null | sort -V | tail -1)
  [ -n "$xen" ] || die "no Xen 4.17 image in $ROOTFS/boot"
  zcat "$xen" >"$BOOT.tmp/xen"
  kernel=$(ls "$ROOTFS"/boot/vmlinuz-* | sort -V | tail -1)
  initrd=$(ls "$ROOTFS"/boot/initrd.img-* | sort -V | tail -1)
  cp "$kernel" "$BOOT.tmp/vmlinuz"; cp "$initrd" "$BOOT.tmp/initrd.img"
  cp "$kernel" "$BOOT.tmp/domU-vmlinuz"
  build_guest_initrd
  configure_rootfs
  rm -f "$IMG.tmp"; truncate -s 6G "$IMG.tmp"
  mkfs.ext4 -q -F -L xenrig-root -d "$ROOTFS" "$IMG.tmp" || die "mkfs.ext4 -d failed"
  # Older images of this key go: a changed init or guest must never boot a stale image.
  local old
  for old in "$CACHE"/dom0-"$KEY"-*.img "$CACHE"/boot-"$KEY"-*; do
    [ "$old" = "$BOOT.tmp" ] || [ "$old" = "$IMG.tmp" ] || rm -rf "$old"
  done
  mv "$IMG.tmp" "$IMG"; mv "$BOOT.tmp" "$BOOT"
  say "image built in $(since "$t0") s: $IMG"
}

start_host() {
  local n=$1 overlay net2
  running "$n" && return 0
  overlay=$RUN/host$n.qcow2
  rm -f "$overlay"; qemu-img create -q -f qcow2 -b "$IMG" -F raw "$overlay" || die "qemu-img failed"
  if [ "$n" = 1 ]; then net2="socket,id=n1,listen=127.0.0.1:$NETPORT"; else net2="socket,id=n1,connect=127.0.0.1:$NETPORT"; fi
  : >"$RUN/host$n.serial.log"
  local xenargs="dom0_mem=${DOM0_MEM}M,max:${DOM0_MEM}M dom0_max_vcpus=1 console=com1 com1=115200,8n1 noreboot ${XEN_RIG_XEN_ARGS:-}"
  local linux="root=/dev/vda rw net.ifnames=0 console=hvc0 init=/sbin/rig-init rig.name=xenrig$n rig.ip=192.168.77.$n quiet"
  qemu-system-x86_64 -name "xenrig$n" -machine pc -accel tcg,thread=multi -cpu "$CPU" -smp 1 -m "$VM_MEM" \
    -kernel "$BOOT/xen" -append "$xenargs" -initrd "$BOOT/vmlinuz $linux,$BOOT/initrd.img" \
    -drive "file=$overlay,if=virtio,format=qcow2,cache=unsafe" \
    -netdev "user,id=n0,net=10.0.2.0/24,hostfwd=tcp:127.0.0.1:$((PORT_BASE + n))-:16509,hostfwd=tcp:127.0.0.1:$((PORT_BASE + 10 + n))-:2323" \
    -device "e1000,netdev=n0,mac=52:54:00:77:01:0$n" \
    -netdev "$net2" -device "e1000,netdev=n1,mac=52:54:00:77:02:0$n" \
    -chardev "socket,id=ser0,path=$RUN/host$n.serial.sock,server=on,wait=off,logfile=$RUN/host$n.serial.log" \
    -serial chardev:ser0 -display none -monitor none -no-reboot \
    -daemonize -pidfile "$(pidfile "$n")" 9>&- || die "QEMU for host $n did not start"
  say "host $n: QEMU pid $(cat "$(pidfile "$n")"), serial log $RUN/host$n.serial.log"
}

wait_host() {
  local n=$1 t0=$2
  while :; do
    running "$n" || { tail -30 "$RUN/host$n.serial.log" >&2; die "host $n powered off during boot"; }
    if LC_ALL=C timeout 20 virsh -c "$(uri "$n")" version >/dev/null 2>&1; then
      say "host $n: libvirtd answers on $(uri "$n") after $(since "$t0") s"; return 0
    fi
    [ "$(since "$t0" | cut -d. -f1)" -gt "$BOOT_TIMEOUT" ] &&
      { tail -30 "$RUN/host$n.serial.log" >&2; die "host $n: libvirtd did not answer within $BOOT_TIMEOUT s"; }
    sleep 2
  done
}

do_start() {
  local count=${1:-$HOSTS_MAX} n t0 started=0
  [[ "$count" =~ ^[12]$ ]] || die "start takes 1 or 2 hosts"
  do_build
  t0=$(now)
  for n in $(seq 1 "$count"); do running "$n" || { start_host "$n"; started=1; }; done
  for n in $(seq 1 "$count"); do wait_host "$n" "$t0"; done
  [ $started = 1 ] && [ -n "${XEND2LIBXL_RIG_SESSION:-}" ] && echo "$XEND2LIBXL_RIG_SESSION" >"$RUN/owner"
  return 0
}

do_stop() {
  local n p
  for n in $(seq 1 $HOSTS_MAX); do
    p=$(cat "$(pidfile "$n")" 2>/dev/null) || continue
    if running "$n"; then
      kill "$p"; for _ in $(seq 1 20); do kill -0 "$p" 2>/dev/null || break; sleep 0.5; done
      kill -0 "$p" 2>/dev/null && kill -9 "$p"
      say "host $n (QEMU $p) stopped"
    fi
    rm -f "$(pidfile "$n")" "$RUN/host$n.qcow2"
  done
  rm -f "$RUN/owner"
}

do_release() {
  local session=${1:?usage: release SESSION}
  [ "$(cat "$RUN/owner" 2>/dev/null)" = "$session" ] && do_stop
  return 0
}

do_status() {
  local n rc=0
  for n in $(seq 1 $HOSTS_MAX); do
    if running "$n"; then
      echo "host $n: running (QEMU pid $(cat "$(pidfile "$n")")) $(uri "$n")"
      XEN_RIG_SH_TIMEOUT=30 do_sh "$n" 'xl list' 2>&1 | sed 's/^/    /'
    else echo "host $n: stopped"; rc=3; fi
  done
  return $rc
}

do_env() {
  local n
  echo "XEN_RIG_CACHE='$CACHE'"
  echo "XEN_RIG_RUN='$RUN'"
  echo "XEN_RIG_IMAGE='$IMG'"
  echo "XEN_RIG_GUEST_KERNEL='/var/lib/xen-rig/domU-vmlinuz'"
  echo "XEN_RIG_GUEST_INITRD='/var/lib/xen-rig/domU-initrd.gz'"
  for n in $(seq 1 $HOSTS_MAX); do
    echo "XEN_RIG_URI$n='$(uri "$n")'"
    echo "XEN_RIG_PEER_URI$n='$(peer_uri "$n")'"
    echo "XEN_RIG_AGENT$n='127.0.0.1:$((PORT_BASE + 10 + n))'"
  done
}

do_sh() {
  local n=$1; shift
  printf '%s\n' "$*" | timeout "${XEN_RIG_SH_TIMEOUT:-120}" socat -t 600 - "TCP:127.0.0.1:$((PORT_BASE + 10 + n))"
}

case "${1:-}" in
  install) need_root; with_lock do_install ;;
  build)   need_root; with_lock do_build ;;
  start)   need_root; with_lock do_start "${2:-$HOSTS_MAX}" ;;
  stop)    need_root; with_lock do_stop ;;
  release) need_root; [ -d "$RUN" ] || exit 0; with_lock do_release "${2:-}" ;;
  status)  do_status ;;
  env)     do_env ;;
  sh)      shift; [ $# -ge 2 ] || die "usage: sh N CMD"; do_sh "$@" ;;
  log)     cat "$RUN/host${2:-1}.serial.log" ;;
  *) sed -n '2,17p' "$0" >&2; exit 2 ;;
esac
