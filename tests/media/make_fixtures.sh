#!/bin/sh
# Makes the tiny real-encoder fixtures in this folder (commit the results; rerun only to change them).
# Needs: espeak-ng, sox, lame, ffmpeg, opusenc (opus-tools), oggenc (vorbis-tools).
set -eu
cd "$(dirname "$0")/files"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The spoken source: about 1.5 s of speech, resampled to podcast rates.
espeak-ng -w "$work/speech.wav" "Placeholder audio for the catalogue."
sox "$work/speech.wav" -r 44100 -c 1 "$work/mono44.wav" trim 0 1.5
sox "$work/speech.wav" -r 44100 -c 2 "$work/stereo44.wav" trim 0 1.5
sox "$work/speech.wav" -r 48000 -c 1 "$work/mono48.wav" trim 0 1.5

# MP3: CBR with an Info header and ID3v2.4 tags (title says placeholder, like the seed catalogue's set).
lame --quiet -b 64 -m m --id3v2-only --tt "Placeholder (spoken)" --ta "Catalogue" "$work/mono44.wav" "$work/cbr.mp3"
ffmpeg -v error -y -i "$work/cbr.mp3" -c copy -id3v2_version 4 -write_xing 1 \
  -metadata title="Placeholder (spoken)" -metadata artist="Catalogue" cbr-id3v24.mp3
# MP3: CBR without any Xing/Info header (lame -t), ID3v2.3 tag.
lame --quiet -t -b 64 -m m --id3v2-only --tt "Plain CBR" "$work/mono44.wav" cbr-noxing-id3v23.mp3
# MP3: VBR stereo with a Xing header, ID3v2.3 tag with embedded chapters (written by ffmpeg from metadata).
cat > "$work/chapters.txt" <<'META'
;FFMETADATA1
title=Chaptered VBR
[CHAPTER]
TIMEBASE=1/1000
START=0
END=700
title=Intro
[CHAPTER]
TIMEBASE=1/1000
START=700
END=1500
title=Main part
META
lame --quiet -V 4 -m j "$work/stereo44.wav" "$work/vbr.mp3"
ffmpeg -v error -y -i "$work/vbr.mp3" -i "$work/chapters.txt" -map 0 -map_metadata 1 -c copy -id3v2_version 3 vbr-xing-chapters.mp3
# MP3 at 8 kHz (MPEG 2.5): decodable, but not a rate podcast apps are expected to play.
lame --quiet -b 16 -m m --resample 8 "$work/mono44.wav" rate8k.mp3
# MP3 at 32 kbps mono 22.05 kHz: plays, but below the 64 kbps the catalogue recommends (a warning).
lame --quiet -b 32 -m m --resample 22.05 --tt "Low bitrate" "$work/mono44.wav" low-bitrate.mp3

# MPEG-1 Layer II (MP2) with an .mp3 name: MPEG audio, but not Layer III.
ffmpeg -v error -y -i "$work/mono44.wav" -c:a mp2 -b:a 64k -f mp2 layer2.mp3

# AAC in M4A (moov first, like a web-optimised export) and an MP4 video podcast.
ffmpeg -v error -y -i "$work/mono44.wav" -c:a aac -b:a 64k -movflags +faststart -metadata title="AAC sample" aac.m4a
ffmpeg -v error -y -f lavfi -i "color=c=blue:s=64x64:r=5:d=1.5" -i "$work/mono44.wav" -shortest \
  -c:v libx264 -preset veryfast -crf 40 -pix_fmt yuv420p -c:a aac -b:a 64k -movflags +faststart video.mp4

# Ogg alternatives.
opusenc --quiet --bitrate 32 --title "Opus sample" "$work/mono48.wav" speech.opus
oggenc --quiet -q 0 -t "Vorbis sample" -o speech.ogg "$work/mono44.wav"
# Six channels: Ogg Vorbis can carry them, podcast apps cannot play them.
sox -M "$work/mono44.wav" "$work/mono44.wav" "$work/mono44.wav" "$work/mono44.wav" "$work/mono44.wav" \
  "$work/mono44.wav" "$work/six.wav"
oggenc --quiet -q 0 -o six-channels.ogg "$work/six.wav"

# Formats that are refused with a conversion hint.
sox "$work/mono44.wav" -r 8000 -b 8 speech.wav trim 0 0.5
sox "$work/mono44.wav" -r 8000 speech.flac trim 0 0.5
sox "$work/mono44.wav" -r 8000 -b 8 speech.aiff trim 0 0.5
ls -l
