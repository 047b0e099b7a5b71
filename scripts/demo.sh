#!/bin/sh
# The README's first command: installs what is missing, builds vidc, and renders the sample
# spec to out/cold-brew.mp4 with the embedded defaults (no network, no keys).
set -eu
cd "$(dirname "$0")/.."
./scripts/deps.sh
make -s -j2
mkdir -p out
./build/vidc check examples/cold-brew.vid
./build/vidc render examples/cold-brew.vid --preset tiktok -o out/cold-brew.mp4
ffprobe -v error -show_entries format=duration,size:stream=codec_name,width,height \
	-of compact=p=0:nk=0 out/cold-brew.mp4 || true
