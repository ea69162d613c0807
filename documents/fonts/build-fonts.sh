#!/usr/bin/env bash
# Rebuilds the shipped fonts in this directory from their published packages.
# Needs: apt-get (Debian), npm, go, and fontTools (Debian's python3-fonttools).
# Run from the repository root: documents/fonts/build-fonts.sh
#
# What it makes (see ../README.md, "Fonts", for licences):
#   noto-serif-sc-regular.ttf  Noto Serif SC Regular, cut to what the other
#                              faces lack of GBK and the symbols: the Song
#                              face (page numbers) and the per-character
#                              fallback
#   noto-serif-sc-bold.ttf     Noto Serif SC Bold, cut to GB 2312 + symbols:
#                              masthead and titles (a 小标宋-like face)
#   fandol-fang.ttf            FandolFang Regular, converted from CFF to
#                              TrueType outlines (fpdf embeds only TrueType),
#                              cut to GB 2312 + symbols: the body (仿宋)
#   arphic-uming-extra.ttf     AR PL UMing CN, only the few GBK characters
#                              Noto Serif SC lacks (≒): last fallback
# arphic-gkai00mp-kai.ttf and wqy-microhei.ttf were made the same way earlier
# (fonts-arphic-gkai00mp, fonts-wqy-microhei, cut to GB 2312).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python=/usr/bin/python3
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

go run ./documents/fonts/charsets gbk >"$work/gbk.txt"
go run ./documents/fonts/charsets gb2312 >"$work/gb2312.txt"
go run ./documents/fonts/charsets extra >"$work/extra.txt"

(cd "$work" && apt-get download fonts-arphic-uming texlive-lang-chinese >/dev/null &&
	for deb in *.deb; do dpkg-deb -x "$deb" x; done &&
	npm pack --silent @expo-google-fonts/noto-serif-sc@0.4.3 >/dev/null && tar xzf ./*.tgz)

"$python" - "$work" "$here" <<'PY'
import sys
from fontTools import subset
from fontTools.ttLib import TTFont, newTable
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen

work, out = sys.argv[1], sys.argv[2]
read = lambda name: {ord(c) for c in open(f"{work}/{name}.txt", encoding="utf-8").read()}
gbk, gb2312, extra = read("gbk"), read("gb2312"), read("extra")
# ASCII, Latin-1, general punctuation, super- and subscripts (m³, CO₂),
# letterlike symbols and number forms, arrows, maths, enclosed numbers,
# CJK symbols and punctuation, CJK compatibility (㎡ ㎏), full-width forms.
blocks = set()
for lo, hi in [(0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x2070, 0x209F), (0x2100, 0x218F),
               (0x2190, 0x21FF), (0x2200, 0x22FF), (0x2460, 0x24FF), (0x3000, 0x303F),
               (0x3200, 0x33FF), (0xFF01, 0xFFEF)]:
    blocks.update(range(lo, hi + 1))

def cut(font, unicodes, path):
    options = subset.Options()
    options.hinting = False
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "STAT", "vhea", "vmtx", "VORG", "DSIG"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    sub = subset.Subsetter(options)
    sub.populate(unicodes=unicodes & set(font.getBestCmap()))
    sub.subset(font)
    font.save(path)
    print(path, len(font.getBestCmap()), "characters")

def to_truetype(font):
    """Replaces CFF outlines by quadratic TrueType ones (at most 2/1000 em off)."""
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, 2.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"], font["loca"] = glyf, newTable("loca")
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.numGlyphs = len(order)
    for field in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions", "maxComponentElements",
                  "maxPoints", "maxContours", "maxCompositePoints", "maxCompositeContours", "maxComponentDepth"):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    font["maxp"] = maxp
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0
    font.sfntVersion = "\x00\x01\x00\x00"

noto = f"{work}/package/%s/NotoSerifSC_%s.ttf"
cut(TTFont(noto % ("700Bold", "700Bold")), gb2312 | extra | blocks, f"{out}/noto-serif-sc-bold.ttf")

fang = TTFont(f"{work}/x/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/FandolFang-Regular.otf")
cut(fang, gb2312 | extra | blocks, f"{work}/fang-cut.otf")
fang = TTFont(f"{work}/fang-cut.otf")
to_truetype(fang)
fang.save(f"{out}/fandol-fang.ttf")

# The fallback holds what the other shipped faces lack: GBK beyond GB 2312,
# every symbol, and the few GB 2312 ideographs one of them misses.
covered = {c for c in gb2312 if 0x4E00 <= c <= 0x9FFF}
for name in ("noto-serif-sc-bold.ttf", "fandol-fang.ttf", "arphic-gkai00mp-kai.ttf", "wqy-microhei.ttf"):
    covered &= set(TTFont(f"{out}/{name}").getBestCmap())
cut(TTFont(noto % ("400Regular", "400Regular")), (gbk | extra | blocks) - covered, f"{out}/noto-serif-sc-regular.ttf")

regular = set(TTFont(f"{out}/noto-serif-sc-regular.ttf").getBestCmap()) | covered
uming = TTFont(f"{work}/x/usr/share/fonts/truetype/arphic/uming.ttc", fontNumber=0)
cut(uming, (gbk | extra) - regular, f"{out}/arphic-uming-extra.ttf")
PY
cp "$work/package/LICENSE_FONT" "$here/LICENSE-OFL-noto-serif-sc.txt"
zcat "$work/x/usr/share/doc/texlive-doc/fonts/fandol/COPYING.gz" >"$here/LICENSE-GPL-3.0-fandol.txt"
cp "$work/x/usr/share/doc/texlive-doc/fonts/fandol/README" "$here/README-fandol.txt"
ls -l "$here"
