#!/bin/sh
# Boots real Xen 4.17 with a Linux PV dom0 (ROOT's kernel: fetch.sh) in
# QEMU (TCG: KVM cannot run Xen here), lets the initramfs's /init run the
# conformance programs, and
# writes their lines to OUT.  The whole console goes to OUT.console, the
# VM's diagnostics block to OUT.diag.
# Usage: reference/boot.sh ROOT INITRD OUT
#   REF_EVENTS      the event-channel ABI Linux uses: fifo (its default,
#                   the default here) or 2l (xen.fifo_events=0 added to
#                   dom0's command line; init-2dom passes it on to the
#                   domU); the VM's kernels must say they use it
#   REF_TIMEOUT     seconds before the VM is given up on (default 150)
#   REF_XEN_ARGS    Xen's command line
#   REF_DOM0_ARGS   dom0 kernel's command line, less REF_EVENTS' parameter
#   REF_QEMU_CPU    QEMU's -cpu
#   REF_QEMU_MEM    QEMU's -m, in MiB
set -eu
root=$1
initrd=$2
out=$3
timeout=${REF_TIMEOUT:-150}
# dom0_mem fixed so that dom0 does not balloon; one vCPU keeps TCG fast and
# event delivery in one order.
xen_args=${REF_XEN_ARGS:-console=com1 dom0_mem=1024M,max:1024M dom0_max_vcpus=1}
dom0_args=${REF_DOM0_ARGS:-console=hvc0}
# Linux uses FIFO events when Xen offers them, unless xen.fifo_events=0.
# Each configuration is compared with hvsim's kernels in the same ABI (a
# few limits and errnos differ between the two; docs/reference.md).
events=${REF_EVENTS:-fifo}
case $events in
fifo) abi_line='Using FIFO-based ABI' ;;
2l)   abi_line='Using 2-level ABI'
      dom0_args="$dom0_args xen.fifo_events=0" ;;
*)    echo "reference: REF_EVENTS must be fifo or 2l, not '$events'" >&2
      exit 2 ;;
esac
# SMAP hidden: under TCG the PV dom0 dies of a page fault with it.
cpu=${REF_QEMU_CPU:-max,-smap}
mem=${REF_QEMU_MEM:-2048}

if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "reference: installing qemu-system-x86"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends qemu-system-x86 >/dev/null 2>&1 || {
			apt-get update -q >/dev/null 2>&1
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
				--no-install-recommends qemu-system-x86 >/dev/null
		}
	else
		echo "reference: QEMU is missing; install it with:" \
		     "sudo apt-get install qemu-system-x86" >&2
		exit 1
	fi
fi

console=$out.console
echo "reference: booting Xen + dom0 in QEMU ($events events; TCG, up to ${timeout}s)"
start=$(date +%s)
rc=0
timeout "$timeout" qemu-system-x86_64 -machine q35,accel=tcg \
	-cpu "$cpu" -m "$mem" -smp 1 -nographic -no-reboot \
	-serial stdio -monitor none \
	-kernel "$root/xen.elf" -append "$xen_args" \
	-initrd "$root/vmlinuz $dom0_args,$initrd" \
	< /dev/null > "$console" 2>&1 || rc=$?
echo "reference: VM ran $(($(date +%s) - start))s"

tr -d '\r' < "$console" > "$console.tmp"
mv "$console.tmp" "$console"
if [ "$rc" = 124 ]; then
	echo "reference: the VM did not finish within ${timeout}s;" \
	     "see $console" >&2
	exit 1
fi
trailer=$(grep '^===REFERENCE-RESULTS-END===' "$console" || true)
if [ -z "$trailer" ]; then
	echo "reference: no results from the VM (QEMU exit $rc);" \
	     "see $console" >&2
	tail -n 20 "$console" >&2
	exit 1
fi
sed -n '/^===REFERENCE-RESULTS-BEGIN===$/,/^===REFERENCE-RESULTS-END===/p' \
	"$console" | sed '1d;$d' > "$out.tmp"
sed -n '/^===REFERENCE-DIAGNOSTICS-BEGIN===$/,/^===REFERENCE-DIAGNOSTICS-END===$/p' \
	"$console" | sed '1d;$d' > "$out.diag"

# A console line can be cut by a message from Xen itself: check the block.
want_lines=$(echo "$trailer" | sed -n 's/.* lines=\([0-9]*\).*/\1/p')
want_sum=$(echo "$trailer" | sed -n 's/.* sha256=\([0-9a-f]*\).*/\1/p')
got_lines=$(wc -l < "$out.tmp" | tr -d ' ')
got_sum=$(sha256sum < "$out.tmp" | cut -d' ' -f1)
if [ "$want_lines" != "$got_lines" ] || [ "$want_sum" != "$got_sum" ]; then
	echo "reference: the results block arrived damaged ($got_lines of" \
	     "$want_lines lines, checksum $( [ "$want_sum" = "$got_sum" ] &&
	     echo matches || echo differs)); see $console" >&2
	exit 1
fi
# Each kernel's "xen:events: Using ..." line (the domU's comes through
# its console log) must name the ABI asked for.
abis=$(grep 'xen:events: Using' "$out.diag" || true)
if [ -z "$abis" ] || printf '%s\n' "$abis" | grep -vq "$abi_line"; then
	echo "reference: the VM's kernels do not all say '$abi_line'" \
	     "(REF_EVENTS=$events):" >&2
	printf '%s\n' "${abis:-(no xen:events line in $out.diag)}" >&2
	exit 1
fi
mv "$out.tmp" "$out"
