#!/bin/bash
# libvirt-rig.sh — two real libvirtd "hosts" (h1, h2) on one machine for integration tests.
#
#   install   apt-get the packages if missing, create the libvirt-qemu user/group, build the tiny guest
#   start     install if needed, start h1 and h2, probe QEMU capabilities; idempotent
#   stop      destroy running guests, stop both daemons and leftover QEMUs, by PID
#   status    PIDs, URIs and `virsh list --all` per host; exit 0 only when both run
#   env       `export KEY='value'` lines (RIG_DIR, RIG_GUEST_KERNEL, RIG_H1_URI, RIG_H1_TCP_URI, RIG_H1_TEST_URI,
#             RIG_H1_SSH_*, ...): eval "$(libvirt-rig.sh env)" sets and exports them
#   release SESSION   drop SESSION's lease; stop the rig if SESSION started it and no live lease remains
#   ssh-authorize FILE   let the public key in FILE log in as root to h1's sshd
#
# Host 1 also runs OpenSSH's sshd (Debian openssh-server) on 127.0.0.11:2201 only, inside its
# namespace, for the agentless `--host` suites: host key in $RIG_DIR/h1/ssh, keys only (no
# passwords), and a xend host's view of the files: /var/lib/xend is $RIG_DIR/h1/ssh/xend and
# /etc/xen is $RIG_DIR/h1/ssh/etc-xen (bind mounts over overlays of /var/lib and /etc that
# exist in sshd's own mount namespace only; the machine's /etc and /var/lib are untouched).
#
# Each host is a libvirtd in its own mount+UTS namespace (hostname hN) with private /etc/libvirt,
# /run/libvirt, /var/lib/libvirt, /var/log/libvirt, /var/cache/libvirt bind-mounted from
# $RIG_DIR/hN, its own host_uuid (libvirt refuses to migrate to "itself" otherwise), a unix socket
# and TCP on 127.0.0.1N:16509 with auth none (loopback only), and a hosts file mapping hN so that
# p2p migration finds the peer by the hostname it reports. Root only; no systemd needed.
#
# State lives in $XEND2LIBXL_RIG_DIR (default /tmp/xend2libxl-rig). Every command that changes
# state holds an exclusive flock on $RIG_DIR/lock, so concurrent test workers can all call `start`.
# `start` records a lease for its caller (XEND2LIBXL_RIG_SESSION, the test runner's id, or else the
# calling process) and, when a session's call started the daemons, that session as owner; `release`
# stops the rig only for its owner and only once no lease holder is alive.
set -uo pipefail

RIG_DIR=$(realpath -m "${XEND2LIBXL_RIG_DIR:-/tmp/xend2libxl-rig}")
HERE=$(cd "$(dirname "$0")" && pwd)
GUEST_KERNEL=$RIG_DIR/tinyguest.elf
REAPER=$RIG_DIR/reaper
HOSTS="1 2"
# openssh-server: h1's sshd. Its maintainer script starts no service where policy-rc.d or the missing
# init forbid it; the rig enables none (its own sshd listens on 127.0.0.11 only). netcat-openbsd: what
# libvirt's ssh transport (qemu+ssh://…?socket=…) runs on the far side to reach the daemon's socket.
PACKAGES="libvirt-clients libvirt-daemon libvirt-daemon-driver-qemu qemu-system-x86 libxml2-utils gcc libc6-dev binutils openssh-server openssh-client netcat-openbsd"
VIRSH="timeout 60 virsh -q"   # virsh can hang; never call it without a timeout

say()  { echo "[rig] $*" >&2; }
die()  { say "error: $*"; exit 1; }

host_dir()      { echo "$RIG_DIR/h$1"; }
host_ip()       { echo "127.0.0.$((10 + $1))"; }
host_sock()     { echo "$(host_dir "$1")/sock/libvirt-sock"; }
host_uri()      { echo "qemu+unix:///system?socket=$(host_sock "$1")"; }
host_tcp_uri()  { echo "qemu+tcp://$(host_ip "$1")/system"; }
host_test_uri() { echo "test+unix:///default?socket=$(host_sock "$1")"; }
host_pid()      { cat "$(host_dir "$1")/libvirtd.pid" 2>/dev/null; }
host_alive()    { local p; p=$(host_pid "$1") && [ -n "$p" ] && kill -0 "$p" 2>/dev/null && [ -S "$(host_sock "$1")" ]; }
SSH_HOST=1
SSH_PORT=2201
ssh_dir()       { echo "$(host_dir $SSH_HOST)/ssh"; }
sshd_pid()      { cat "$(ssh_dir)/sshd.pid" 2>/dev/null; }
sshd_alive()    { local p; p=$(sshd_pid) && [ -n "$p" ] && kill -0 "$p" 2>/dev/null && grep -q sshd "/proc/$p/comm" 2>/dev/null; }

need_root() { [ "$(id -u)" = 0 ] || die "must run as root (libvirtd, namespaces and bind mounts need it)"; }

with_lock() {
  mkdir -p "$RIG_DIR" || die "cannot create $RIG_DIR"
  chmod 0755 "$RIG_DIR"
  exec 9>"$RIG_DIR/lock"
  flock -w 600 9 || die "timed out waiting for $RIG_DIR/lock"
  "$@"
}

# ---------------------------------------------------------------- install
packages_missing() {
  local p missing=""
  for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
  done
  echo "$missing"
}

do_install() {
  need_root
  local missing; missing=$(packages_missing)
  if [ -n "$missing" ]; then
    command -v apt-get >/dev/null || die "missing packages:$missing (and no apt-get to install them)"
    say "installing:$missing"
    # Not libvirt-daemon-system: it drags in systemd and polkit, which this rig does without.
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $PACKAGES >"$RIG_DIR/apt.log" 2>&1 ||
      { DEBIAN_FRONTEND=noninteractive apt-get update >>"$RIG_DIR/apt.log" 2>&1 &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $PACKAGES >>"$RIG_DIR/apt.log" 2>&1; } ||
      die "apt-get install failed, see $RIG_DIR/apt.log"
  fi
  # The qemu driver resolves its compiled-in default user 'libvirt-qemu' before it reads qemu.conf.
  getent group libvirt-qemu >/dev/null || groupadd --system libvirt-qemu || die "groupadd libvirt-qemu failed"
  getent passwd libvirt-qemu >/dev/null ||
    useradd --system -g libvirt-qemu -d /var/lib/libvirt -s /usr/sbin/nologin libvirt-qemu || die "useradd libvirt-qemu failed"
  build_guest
  build_reaper
}

build_guest() {
  # Rebuild when any source is newer than the kernel (the sources live in the repo, the kernel in RIG_DIR).
  if [ -f "$GUEST_KERNEL" ] && [ -z "$(find "$HERE/tinyguest" -newer "$GUEST_KERNEL" -type f)" ]; then return 0; fi
  sh "$HERE/tinyguest/build.sh" "$GUEST_KERNEL" >"$RIG_DIR/guest-build.log" 2>&1 ||
    { cat "$RIG_DIR/guest-build.log" >&2; die "building the tiny guest failed"; }
  say "built $GUEST_KERNEL"
}

build_reaper() {
  # libvirtd runs under reaper.c (orphaned QEMUs reaped at once, as systemd does; see the source).
  if [ -x "$REAPER" ] && [ "$REAPER" -nt "$HERE/reaper/reaper.c" ]; then return 0; fi
  gcc -O2 -Wall -Wextra -Werror -o "$REAPER.tmp.$$" "$HERE/reaper/reaper.c" >"$RIG_DIR/reaper-build.log" 2>&1 ||
    { cat "$RIG_DIR/reaper-build.log" >&2; die "building the rig's reaper failed"; }
  mv -f "$REAPER.tmp.$$" "$REAPER"
}

# ---------------------------------------------------------------- start
write_host_config() {
  local n=$1 d; d=$(host_dir "$1")
  mkdir -p "$d"/{etc,run,lib,log,cache,sock}
  cat >"$d/etc/libvirtd.conf" <<EOF
unix_sock_dir = "$d/sock"
unix_sock_rw_perms = "0770"
auth_unix_ro = "none"
auth_unix_rw = "none"
listen_tls = 0
listen_tcp = 1
listen_addr = "$(host_ip "$n")"
tcp_port = "16509"
auth_tcp = "none"
host_uuid = "$(printf 'e5d21b00-0000-4000-8000-%012d' "$n")"
log_outputs = "3:file:$d/libvirtd.log"
EOF
  # Root QEMU without a security driver: the rig has no SELinux/AppArmor profiles and no virtlogd.
  # Migration ports differ per host so h1 -> h2 and h2 -> h1 never collide.
  cat >"$d/etc/qemu.conf" <<EOF
user = "root"
group = "root"
dynamic_ownership = 0
security_driver = "none"
stdio_handler = "file"
migration_port_min = $((49152 + n * 100))
migration_port_max = $((49152 + n * 100 + 49))
EOF
}

write_hosts_file() {
  local n
  { grep -v -E '[[:space:]]h[0-9]+$' /etc/hosts; for n in $HOSTS; do echo "$(host_ip "$n") h$n"; done; } >"$RIG_DIR/hosts.tmp"
  mv -f "$RIG_DIR/hosts.tmp" "$RIG_DIR/hosts"
}

port_taken_by_other() {   # ip -> 0 when something that is not our daemon listens on ip:16509
  local ip=$1
  command -v ss >/dev/null || return 1
  ss -ltnH "src $ip:16509" 2>/dev/null | grep -q . || ss -ltnH "src 0.0.0.0:16509" 2>/dev/null | grep -q .
}

start_host() {
  local n=$1 d pid i; d=$(host_dir "$1")
  if host_alive "$n"; then return 0; fi
  # A dead daemon's leftovers: stop cleans up its QEMUs and pidfile before we start over.
  [ -f "$d/libvirtd.pid" ] && stop_host "$n"
  port_taken_by_other "$(host_ip "$n")" &&
    die "port $(host_ip "$n"):16509 is taken by another process (another libvirt lab running? stop it first)"
  write_host_config "$n"
  mkdir -p /etc/libvirt /run/libvirt /var/lib/libvirt /var/log/libvirt /var/cache/libvirt
  rm -f "$d"/sock/libvirt-sock*
  : >"$d/libvirtd.log"
  rm -f "$d/libvirtd.pid"
  # setsid: the daemon must outlive the test worker that happened to start it.
  # reaper: libvirtd's parent, reaping the QEMUs libvirt daemonizes the moment they exit; without it
  # some sandboxes' PID 1 leaves them unreaped for 1-2 s and every `virsh destroy` waits that long.
  setsid unshare --mount --uts --propagation private -- /bin/sh -c '
    set -e
    d=$1 hosts=$2
    hostname "$3"
    mount --bind "$d/etc" /etc/libvirt
    mount --bind "$d/run" /run/libvirt
    mount --bind "$d/lib" /var/lib/libvirt
    mount --bind "$d/log" /var/log/libvirt
    mount --bind "$d/cache" /var/cache/libvirt
    mount --bind "$hosts" /etc/hosts
    exec "$4" /usr/sbin/libvirtd --listen -f "$d/etc/libvirtd.conf" -p "$d/libvirtd.pid"
  ' rig-h"$n" "$d" "$RIG_DIR/hosts" "h$n" "$REAPER" >"$d/daemon.out" 2>&1 </dev/null 9>&- &
  pid=$!   # setsid, unshare and sh all exec: this is the reaper; libvirtd writes its own pidfile
  for i in $(seq 1 150); do
    [ -S "$(host_sock "$n")" ] && [ -s "$d/libvirtd.pid" ] && break
    if ! kill -0 "$pid" 2>/dev/null; then
      cat "$d/daemon.out" >&2; grep -E ' error ' "$d/libvirtd.log" | tail -5 >&2
      rm -f "$d/libvirtd.pid"
      die "libvirtd for h$n exited during startup"
    fi
    sleep 0.1
  done
  pid=$(host_pid "$n")
  [ -S "$(host_sock "$n")" ] || die "h$n: no socket after 15 s (see $d/libvirtd.log)"
  say "h$n up: pid $pid, $(host_uri "$n"), $(host_tcp_uri "$n")"
}

do_start() {
  # sun_path holds 108 bytes; libvirtd would fail later with a less obvious message.
  [ ${#RIG_DIR} -le 80 ] || die "XEND2LIBXL_RIG_DIR is too long for a unix socket path (max 80 characters): $RIG_DIR"
  do_install
  write_hosts_file
  local n started="" pids=""
  for n in $HOSTS; do
    host_alive "$n" || started="$started h$n"
    start_host "$n"
  done
  if [ -n "$started" ]; then
    # The first qemu:///system connection probes QEMU (~8 s); pay it now, in parallel, not inside a test.
    for n in $HOSTS; do $VIRSH -c "$(host_uri "$n")" domcapabilities --virttype qemu >/dev/null 9>&- & pids="$pids $!"; done
    local p failed=0
    for p in $pids; do wait "$p" || failed=1; done
    [ $failed = 0 ] || die "capabilities probe failed (see $RIG_DIR/h*/libvirtd.log)"
    [ -n "${XEND2LIBXL_RIG_SESSION:-}" ] && echo "$XEND2LIBXL_RIG_SESSION" >"$RIG_DIR/owner"
  fi
  start_sshd
  # Every caller holds a lease while its process lives (a test run's main process, or whoever ran
  # `start`: a bench, an admin's shell), so a test run's teardown never stops the rig under it.
  mkdir -p "$RIG_DIR/leases"
  if [ -n "${XEND2LIBXL_RIG_SESSION:-}" ]; then
    echo "${XEND2LIBXL_RIG_SESSION_PID:-$PPID}" >"$RIG_DIR/leases/$XEND2LIBXL_RIG_SESSION"
  else
    echo "$PPID" >"$RIG_DIR/leases/pid-$PPID"
  fi
}

# ---------------------------------------------------------------- sshd (host 1)
start_sshd() {
  local s d i; s=$(ssh_dir); d=$(host_dir $SSH_HOST)
  if sshd_alive; then return 0; fi
  mkdir -p "$s"/{xend,etc-xen,etc-upper,etc-work,var-upper,var-work}
  chmod 0700 "$s"
  [ -f "$s/host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -C "rig-h$SSH_HOST" -f "$s/host_ed25519_key" ||
    die "ssh-keygen for h$SSH_HOST's host key failed"
  touch "$s/authorized_keys"; chmod 0600 "$s/authorized_keys"
  cat >"$s/sshd_config" <<SSHD_CONFIG
ListenAddress $(host_ip $SSH_HOST):$SSH_PORT
HostKey $s/host_ed25519_key
PidFile $s/sshd.pid
AuthorizedKeysFile $s/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PrintMotd no
LogLevel VERBOSE
SSHD_CONFIG
  # Privilege separation directory, as the Debian service would create it.
  mkdir -p /run/sshd && chmod 0755 /run/sshd
  rm -f "$s/sshd.pid"
  # In h1's namespaces, then a mount namespace of its own: overlays over /etc and /var/lib give it
  # /etc/xen and /var/lib/xend (bind mounts of the rig's directories) without touching the machine's;
  # h1's own libvirt directories and hosts file are bound back on top.
  setsid nsenter -t "$(host_pid $SSH_HOST)" -m -u -- unshare --mount --propagation private -- /bin/sh -c '
    set -e
    s=$1 d=$2 hosts=$3
    mount -t overlay overlay -o "lowerdir=/etc,upperdir=$s/etc-upper,workdir=$s/etc-work" /etc
    mount -t overlay overlay -o "lowerdir=/var/lib,upperdir=$s/var-upper,workdir=$s/var-work" /var/lib
    mount --bind "$d/etc" /etc/libvirt
    mount --bind "$d/lib" /var/lib/libvirt
    mount --bind "$hosts" /etc/hosts
    mkdir -p /etc/xen /var/lib/xend
    mount --bind "$s/etc-xen" /etc/xen
    mount --bind "$s/xend" /var/lib/xend
    exec /usr/sbin/sshd -D -e -f "$s/sshd_config"
  ' rig-sshd "$s" "$d" "$RIG_DIR/hosts" >"$s/sshd.log" 2>&1 </dev/null 9>&- &
  for i in $(seq 1 100); do
    sshd_alive && ss -ltnH "src $(host_ip $SSH_HOST):$SSH_PORT" 2>/dev/null | grep -q . && break
    sleep 0.1
  done
  sshd_alive || { cat "$s/sshd.log" >&2; die "h$SSH_HOST: sshd did not start (see $s/sshd.log)"; }
  say "h$SSH_HOST sshd up: pid $(sshd_pid), $(host_ip $SSH_HOST):$SSH_PORT"
}

stop_sshd() {
  local pid; pid=$(sshd_pid)
  if [ -n "$pid" ] && sshd_alive; then kill -TERM "$pid"; fi
  rm -f "$(ssh_dir)/sshd.pid"
}

do_ssh_authorize() {
  local file=${1:?usage: ssh-authorize PUBLIC_KEY_FILE}
  grep -qE '^(ssh-|ecdsa-)[a-z0-9-]+ [A-Za-z0-9+/=]+( .*)?$' "$file" || die "$file is not an OpenSSH public key"
  mkdir -p "$(ssh_dir)"
  grep -qxF -f "$file" "$(ssh_dir)/authorized_keys" 2>/dev/null || cat "$file" >>"$(ssh_dir)/authorized_keys"
}

# ---------------------------------------------------------------- stop
stop_host() {
  local n=$1 d pid dom f i; d=$(host_dir "$1")
  if host_alive "$n"; then
    for dom in $($VIRSH -c "$(host_uri "$n")" list --uuid 2>/dev/null); do
      $VIRSH -c "$(host_uri "$n")" destroy "$dom" >/dev/null 2>&1
    done
  fi
  pid=$(host_pid "$n")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q libvirtd "/proc/$pid/comm" 2>/dev/null; then
    kill -TERM "$pid"
    for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && { say "h$n: libvirtd $pid ignored SIGTERM, killing"; kill -KILL "$pid"; }
  fi
  rm -f "$d/libvirtd.pid"
  # QEMU outlives libvirtd by design: end the ones this host's pidfiles name, and only QEMUs.
  for f in "$d"/run/qemu/*.pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f" 2>/dev/null)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q qemu "/proc/$pid/comm" 2>/dev/null; then
      say "h$n: killing leftover QEMU $pid"
      kill -KILL "$pid"
    fi
    rm -f "$f"
  done
  say "h$n stopped"
}

do_stop() {
  local n
  stop_sshd
  for n in $HOSTS; do stop_host "$n"; done
  rm -f "$RIG_DIR/owner"
  rm -rf "$RIG_DIR/leases"
}

do_release() {
  local session=${1:?usage: release SESSION} f pid live=0
  rm -f "$RIG_DIR/leases/$session"
  for f in "$RIG_DIR"/leases/*; do
    [ -f "$f" ] || continue
    pid=$(cat "$f"); if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then live=1; else rm -f "$f"; fi
  done
  if [ "$(cat "$RIG_DIR/owner" 2>/dev/null)" = "$session" ]; then
    if [ $live = 0 ]; then do_stop; else echo handed-off >"$RIG_DIR/owner"; say "rig still in use by another run; left running"; fi
  elif [ "$(cat "$RIG_DIR/owner" 2>/dev/null)" = handed-off ] && [ $live = 0 ]; then
    do_stop
  fi
}

# ---------------------------------------------------------------- status / env
do_status() {
  local n rc=0
  for n in $HOSTS; do
    if host_alive "$n"; then echo "h$n running pid=$(host_pid "$n") $(host_uri "$n") $(host_tcp_uri "$n")"
    else echo "h$n stopped"; rc=3; fi
    host_alive "$n" && $VIRSH -c "$(host_uri "$n")" list --all 2>&1 | sed 's/^/    /'
  done
  if sshd_alive; then echo "h$SSH_HOST sshd running pid=$(sshd_pid) $(host_ip $SSH_HOST):$SSH_PORT"; else echo "h$SSH_HOST sshd stopped"; rc=3; fi
  return $rc
}

do_env() {
  local n
  echo "export RIG_DIR='$RIG_DIR'"
  echo "export RIG_GUEST_KERNEL='$GUEST_KERNEL'"
  for n in $HOSTS; do
    echo "export RIG_H${n}_URI='$(host_uri "$n")'"
    echo "export RIG_H${n}_TCP_URI='$(host_tcp_uri "$n")'"
    echo "export RIG_H${n}_TEST_URI='$(host_test_uri "$n")'"
  done
  echo "export RIG_H${SSH_HOST}_SSH_ADDR='$(host_ip $SSH_HOST)'"
  echo "export RIG_H${SSH_HOST}_SSH_PORT='$SSH_PORT'"
  echo "export RIG_H${SSH_HOST}_SSH_HOST_KEY='$(ssh_dir)/host_ed25519_key.pub'"
  echo "export RIG_H${SSH_HOST}_SSH_XEND_DIR='$(ssh_dir)/xend'"
  echo "export RIG_H${SSH_HOST}_SSH_ETC_XEN_DIR='$(ssh_dir)/etc-xen'"
}

case "${1:-}" in
  install) need_root; with_lock do_install ;;
  start)   need_root; with_lock do_start ;;
  stop)    need_root; with_lock do_stop ;;
  release) need_root; [ -d "$RIG_DIR" ] || exit 0; with_lock do_release "${2:-}" ;;
  status)  do_status ;;
  env)     do_env ;;
  ssh-authorize) need_root; with_lock do_ssh_authorize "${2:-}" ;;
  *) sed -n '2,29p' "$0" >&2; exit 2 ;;
esac
