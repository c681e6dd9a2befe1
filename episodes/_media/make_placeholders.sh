#!/usr/bin/env bash
# Makes the short spoken placeholder MP3s used by episodes whose real audio is not in the catalogue yet.
# Needs espeak-ng and lame. Output: placeholder-en.mp3, placeholder-fr.mp3, placeholder-nl.mp3 next to this script.
# 22.05 kHz mono, 16 kbps CBR (a few seconds, under 20 KB); ID3v2 title says "Placeholder", the comment says what the file is.
set -euo pipefail
cd "$(dirname "$0")"

make() {
  local lang="$1" voice="$2" title="$3" text="$4" comment="$5"
  local wav
  wav="$(mktemp --suffix=.wav)"
  espeak-ng -v "$voice" -s 165 -w "$wav" "$text"
  # Tags in Latin-1 (enough for en/fr/nl): lame 3.100 writes UTF-16 comment frames with a bad BOM.
  lame --quiet -m m --resample 22.05 -b 16 --cbr \
    --id3v2-only --id3v2-latin1 --tt "$title" --ta "IOM Belgium and Luxembourg" \
    --tl "media-catalogue placeholders" --tc "$comment" --tg "Speech" \
    "$wav" "placeholder-$lang.mp3"
  rm -f "$wav"
}

make en en-gb "Placeholder episode audio (English)" \
  "This is a placeholder for an IOM Belgium and Luxembourg podcast episode. The real audio is not in the catalogue yet." \
  "Placeholder: spoken stand-in made with espeak-ng; replace with the real episode audio."

make fr fr-be "Placeholder - audio d'épisode provisoire (français)" \
  "Ceci est un enregistrement provisoire pour un épisode de podcast de l'OIM Belgique et Luxembourg. Le véritable enregistrement n'est pas encore dans le catalogue." \
  "Placeholder: enregistrement provisoire fait avec espeak-ng; à remplacer par le véritable audio de l'épisode."

make nl nl "Placeholder - tijdelijke audio van de aflevering (Nederlands)" \
  "Dit is een tijdelijke opname voor een podcastaflevering van IOM België en Luxemburg. De echte opname staat nog niet in de catalogus." \
  "Placeholder: tijdelijke opname gemaakt met espeak-ng; vervang door de echte audio van de aflevering."
