#!/usr/bin/env bash
# Makes the card fonts in fonts/ (committed; this script documents and repeats how): subsets of
# Debian's DejaVu (fonts-dejavu-core), Noto Sans Arabic / Hebrew (fonts-noto-core), Droid Sans
# Fallback (fonts-droid-fallback: Chinese, Japanese) and Nanum Gothic Bold (fonts-nanum: Korean),
# cut to the scripts a card prints, with their OpenType layout
# features (Arabic joining, marks) kept. Needs: apt-get install fonts-dejavu-core fonts-noto-core
# fonts-droid-fallback fonts-nanum python3-fonttools. Licences: fonts/README.md.
set -euo pipefail
cd "$(dirname "$0")/../fonts"
S=/usr/share/fonts/truetype
sub() { /usr/bin/python3 -m fontTools.subset "$1" --unicodes="$2" --layout-features='*' --name-IDs='*' --glyph-names --legacy-kern --output-file="$3"; }
LATIN='U+0000-02FF,U+0300-036F,U+0370-03FF,U+0400-052F,U+1D00-1DBF,U+1E00-1EFF,U+1F00-1FFF,U+2000-206F,U+20A0-20CF,U+2100-214F,U+2190-21FF,U+FB00-FB06,U+FFFD'
MONO='U+0020-007E,U+00A0-00FF,U+2026'
ARABIC='U+0020,U+00A0,U+0600-06FF,U+0750-077F,U+08A0-08FF,U+200C-200F,U+FB50-FDFF,U+FE70-FEFF'
HEBREW='U+0020,U+00A0,U+0590-05FF,U+200C-200F,U+FB1D-FB4F'
CJK='U+2E80-2FDF,U+3000-303F,U+3040-30FF,U+3100-312F,U+3130-318F,U+31F0-31FF,U+3200-32FF,U+3400-4DBF,U+4E00-9FFF,U+AC00-D7AF,U+F900-FAFF,U+FF00-FFEF'
sub $S/dejavu/DejaVuSans.ttf "$LATIN" DejaVuSans.ttf
sub $S/dejavu/DejaVuSans-Bold.ttf "$LATIN" DejaVuSans-Bold.ttf
sub $S/dejavu/DejaVuSansMono.ttf "$MONO" DejaVuSansMono.ttf
sub $S/dejavu/DejaVuSansMono-Bold.ttf "$MONO" DejaVuSansMono-Bold.ttf
sub $S/noto/NotoSansArabic-Regular.ttf "$ARABIC" NotoSansArabic-Regular.ttf
sub $S/noto/NotoSansArabic-Bold.ttf "$ARABIC" NotoSansArabic-Bold.ttf
sub $S/noto/NotoSansHebrew-Regular.ttf "$HEBREW" NotoSansHebrew-Regular.ttf
sub $S/noto/NotoSansHebrew-Bold.ttf "$HEBREW" NotoSansHebrew-Bold.ttf
sub $S/droid/DroidSansFallbackFull.ttf "$CJK" DroidSansFallback-CJK.ttf
sub $S/nanum/NanumGothicBold.ttf 'U+0020,U+1100-11FF,U+3130-318F,U+A960-A97F,U+AC00-D7AF,U+D7B0-D7FF' KeyprintHangul-Bold.ttf
# Nanum's licence reserves its font names (OFL-1.1 §3): the modified (subset) font is renamed.
/usr/bin/python3 - <<'PY'
from fontTools.ttLib import TTFont
f = TTFont('KeyprintHangul-Bold.ttf')
names = {1: 'Keyprint Hangul', 2: 'Bold', 3: 'Keyprint Hangul Bold (subset of NanumGothic Bold)', 4: 'Keyprint Hangul Bold', 6: 'KeyprintHangul-Bold', 16: 'Keyprint Hangul', 17: 'Bold'}
for rec in f['name'].names:
    if rec.nameID in names: rec.string = names[rec.nameID]
f.save('KeyprintHangul-Bold.ttf')
PY
ls -l ./*.ttf
