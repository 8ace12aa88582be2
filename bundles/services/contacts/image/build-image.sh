#!/bin/sh
# Builds the contacts OCI image from a Maven build directory (TARGET: classes/, image-lib/) into
# TARGET/images/contacts (an OCI image layout) and TARGET/images/contacts.tar (an oci-archive).
# The image holds no JRE: its label dev.hearth.host-java asks the crun driver to mount the
# board's JRE read-only at /opt/java. Uses the crun driver's reproducible layout writer.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
target=$1
root=$target/image-root
rm -rf "$root"
mkdir -p "$root/app/lib" "$root/opt/java"
cp -r "$target/classes" "$root/app/classes"
cp "$target"/image-lib/*.jar "$root/app/lib/"
mkdir -p "$target/images"
sh "$here/../../../isolation-crun/samples/oci-layout.sh" "$root" "$target/images" contacts \
    '["/opt/java/bin/java","-Xmx32m","-Xss512k","-XX:+UseSerialGC","-XX:TieredStopAtLevel=1","-XX:CICompilerCount=1","-XX:-UsePerfData","-cp","/app/classes:/app/lib/*","dev.hearth.services.contacts.ContactsMain"]' \
    '{"dev.hearth.host-java":"/opt/java"}'
rm -rf "$root"
