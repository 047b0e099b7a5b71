#!/bin/sh
# The README's first command: installs what is missing, builds vidc, and turns the sample
# article (examples/article-cold-brew.json) into a TikTok video on the embedded defaults (the
# extractive script writer and the espeak voice: no network, no keys). Everything lands in
# out/cold-brew/: script.json, voice.wav + voice.json, video.vid, video.mp4, video.srt,
# video.vtt, thumb.jpg, tiktok.json.
set -eu
cd "$(dirname "$0")/.."
./scripts/deps.sh
make -s -j2
./build/vidc make examples/article-cold-brew.json --preset tiktok -o out/cold-brew
ffprobe -v error -show_entries format=duration,size:stream=codec_name,profile,width,height \
	-of compact=p=0:nk=0 out/cold-brew/video.mp4 || true
