#!/bin/sh
# Builds the sample images into OUT_DIR (default target/images): hello (the minimal native
# service), probe (hello plus busybox and a /sh endpoint, for tests only), crashing (exits at
# once) and silent (never listens). Needs gcc with a static libc (Debian: gcc, libc6-dev) and
# busybox-static.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-target/images}
work=$out/.work
rm -rf "$work"
mkdir -p "$work" "$out"
cc="gcc -static -O2 -Wall -Wextra -Werror"

mkdir -p "$work/hello/bin"
$cc -o "$work/hello/bin/hello" "$here/hello/hello.c"
sh "$here/oci-layout.sh" "$work/hello" "$out" hello '["/bin/hello"]'

mkdir -p "$work/probe/bin"
$cc -DPROBE -o "$work/probe/bin/hello" "$here/hello/hello.c"
cp /bin/busybox "$work/probe/bin/busybox"
for tool in sh cat ls echo mount id head dd mkdir touch wget nc ip ifconfig true sleep chroot; do
    ln -s busybox "$work/probe/bin/$tool"
done
sh "$here/oci-layout.sh" "$work/probe" "$out" probe '["/bin/hello"]'

mkdir -p "$work/crashing/bin"
cp /bin/busybox "$work/crashing/bin/busybox"
sh "$here/oci-layout.sh" "$work/crashing" "$out" crashing '["/bin/busybox","sh","-c","echo giving up >&2; exit 3"]'

mkdir -p "$work/silent/bin"
cp /bin/busybox "$work/silent/bin/busybox"
sh "$here/oci-layout.sh" "$work/silent" "$out" silent '["/bin/busybox","sleep","3600"]'

rm -rf "$work"
