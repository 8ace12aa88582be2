#!/bin/sh
# Writes an OCI image layout (and an oci-archive tarball of it) from a directory tree, without
# Docker or a registry: one uncompressed tar layer, an image config, a manifest, index.json.
#
#   oci-layout.sh ROOTFS OUT_DIR NAME ENTRYPOINT_JSON [LABELS_JSON]
#
# Produces OUT_DIR/NAME (the layout, tag "latest") and OUT_DIR/NAME.tar (the same as an
# oci-archive). Byte for byte reproducible: files are sorted, owned by 0:0, dated 1970.
set -eu
rootfs=$1 out=$2 name=$3 entrypoint=$4 labels=${5:-"{}"}
layout=$out/$name
rm -rf "$layout" "$layout.tar"
mkdir -p "$layout/blobs/sha256"
blob() { # FILE -> prints "sha256:<hex> <size>" after moving FILE into the blob store
    hex=$(sha256sum "$1" | cut -d' ' -f1)
    size=$(stat -c %s "$1")
    mv "$1" "$layout/blobs/sha256/$hex"
    echo "sha256:$hex $size"
}
tmp=$layout/.tmp
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$rootfs" -cf "$tmp" .
diff_id=$(sha256sum "$tmp" | cut -d' ' -f1)
set -- $(blob "$tmp"); layer_digest=$1 layer_size=$2
arch=$(uname -m); case $arch in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; esac
printf '{"architecture":"%s","os":"linux","config":{"Entrypoint":%s,"Env":["PATH=/bin:/usr/bin"],"WorkingDir":"/","Labels":%s},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$arch" "$entrypoint" "$labels" "$diff_id" > "$tmp"
set -- $(blob "$tmp"); config_digest=$1 config_size=$2
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%s","size":%s}]}' \
    "$config_digest" "$config_size" "$layer_digest" "$layer_size" > "$tmp"
set -- $(blob "$tmp"); manifest_digest=$1 manifest_size=$2
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"latest"}}]}' \
    "$manifest_digest" "$manifest_size" > "$layout/index.json"
printf '{"imageLayoutVersion":"1.0.0"}' > "$layout/oci-layout"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$layout" -cf "$layout.tar" oci-layout index.json blobs
