#!/bin/bash
# Synthetic voices saying the ten digits, for the listening reader's training (make voices):
# FSDD has five speakers, all men, and a network taught on four of them reads the fifth about
# 84% right; the same network also taught these voices reads an unseen speaker better (README,
# "Listen"). Every voice is made as FSDD's clips were (8 kHz, then 16 kHz MP3 by lame), named
# {digit}_{voice}_{take}.mp3 like FSDD's. The takes' speeds and pitches come from bash's RANDOM
# seeded with 1 and sox dithers repeatably (-R), so the same tools make the same files.
#
# usage: voices.sh OUTDIR   (needs espeak-ng, flite, festival with three voices, sox and lame)
set -euo pipefail
out=$1
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
words=(zero one two three four five six seven eight nine)
encode() { # WAV NAME: as FSDD's recordings were made and converted
  sox -R -q "$1" -r 8000 -c 1 -b 16 "$tmp/8k.wav" norm -3
  sox -R -q "$tmp/8k.wav" -r 16000 "$tmp/16k.wav"
  lame --quiet -m m -b 24 --resample 16 "$tmp/16k.wav" "$out/$2.mp3"
}
# between A B sets n to a number from A to B: in the shell itself, since a subshell (as $(...)
# makes) draws from a newly seeded RANDOM.
between() { n=$(($1 + RANDOM % ($2 - $1 + 1))); }
hundredths() { printf '%d.%02d' $(($1 / 100)) $(($1 % 100)); }
RANDOM=1
# eSpeak NG: seven accents of English, each with 31 voice variants, two takes of each digit.
for accent in en-us en-gb en-gb-scotland en-gb-x-rp en-029 en-gb-x-gbclan en-gb-x-gbcwmd; do
  for variant in m1 m2 m3 m4 m5 m6 m7 m8 f1 f2 f3 f4 f5 Andy Mike adam boris caleb david ed edward john max norbert paul pedro grandpa iven klatt klatt2 klatt3; do
    voice="es${accent//-/}${variant}"
    voice=${voice,,}
    for d in {0..9}; do for take in 0 1; do
      between 110 210; speed=$n
      between 20 80; pitch=$n
      espeak-ng -v "$accent+$variant" -s "$speed" -p "$pitch" -w "$tmp/a.wav" "${words[$d]}"
      encode "$tmp/a.wav" "${d}_${voice}_${take}"
    done; done
  done
done
# Flite's five voices and Festival's three, ten takes of each digit at other speeds and pitches.
for voice in kal kal16 awb rms slt; do
  for d in {0..9}; do for take in {0..9}; do
    between 75 135; stretch=$n
    between 80 170; pitch=$n
    flite -voice "$voice" --setf duration_stretch="$(hundredths "$stretch")" --setf int_f0_target_mean="$pitch" -t "${words[$d]}" -o "$tmp/a.wav"
    encode "$tmp/a.wav" "${d}_fl${voice}_${take}"
  done; done
done
for voice in kal_diphone ked_diphone cmu_us_slt_arctic_hts; do
  for d in {0..9}; do for take in {0..9}; do
    between 80 130; stretch=$n
    echo "${words[$d]}" | text2wave -eval "(voice_$voice)" -eval "(Parameter.set 'Duration_Stretch $(hundredths "$stretch"))" -o "$tmp/a.wav"
    encode "$tmp/a.wav" "${d}_fe${voice//_/}_${take}"
  done; done
done
