#!/usr/bin/env bash
# Vendor the front-end assets into src/eiso/web/static/vendor/.
#
# eISO runs inside closed agency networks: pages must never load anything from a CDN,
# and there is no Node.js at run time. This script fetches pinned npm packages with
# `npm pack` into a temporary directory (no node_modules in the repository), and copies
# only the built files the templates use, plus each package's licence and a VERSION file.
#
# Refresh: edit the pins below, run `scripts/vendor_frontend.sh`, review `git diff`,
# commit. See docs/development/frontend.md.
set -euo pipefail

# --- Pins --------------------------------------------------------------------------------------
TABLER_CORE_VERSION="1.6.1"     # @tabler/core, 1.x
TABLER_ICONS_VERSION="3.49.0"   # @tabler/icons-webfont, 3.x
HTMX_VERSION="2.0.11"           # htmx.org, 2.0.x only (not 4.x)
BE_VIETNAM_PRO_VERSION="5.3.0"  # @fontsource/be-vietnam-pro, 5.x

# Fetched only for their licence texts: tabler.min.js bundles Bootstrap's JS components
# (ported into Tabler's sources) and Popper. BOOTSTRAP_VERSION must equal the version
# tabler.min.js reports; the script checks this.
BOOTSTRAP_VERSION="5.3.8"
POPPER_VERSION="2.11.8"

# Be Vietnam Pro: subsets and weights to vendor (woff2 only). Subset order follows the
# fontsource CSS (vietnamese before latin) because overlapping unicode-ranges resolve by
# declaration order.
FONT_SUBSETS=(vietnamese latin)
FONT_WEIGHTS=(400 500 600 700)

# --- Setup -------------------------------------------------------------------------------------
die() { echo "vendor_frontend: $*" >&2; exit 1; }

[[ $TABLER_CORE_VERSION == 1.* ]] || die "@tabler/core must stay on 1.x"
[[ $TABLER_ICONS_VERSION == 3.* ]] || die "@tabler/icons-webfont must stay on 3.x"
[[ $HTMX_VERSION == 2.0.* ]] || die "htmx.org must stay on 2.0.x"
[[ $BE_VIETNAM_PRO_VERSION == 5.* ]] || die "@fontsource/be-vietnam-pro must stay on 5.x"

command -v npm >/dev/null || die "npm is required (only to run this script, never at run time)"
command -v tar >/dev/null || die "tar is required"

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
vendor_dir="$repo_root/src/eiso/web/static/vendor"

workdir=$(mktemp -d)
trap 'rm -rf "$workdir"' EXIT

# fetch_pkg NAME VERSION -> prints the directory of the extracted package
fetch_pkg() {
    local name=$1 version=$2 dest tgz actual
    dest="$workdir/$(printf '%s' "$name@$version" | tr '/@' '__')"
    mkdir -p "$dest"
    # Run from the temp dir so npm never sees (or writes next to) the project.
    tgz=$(cd "$workdir" && npm pack --silent --ignore-scripts --pack-destination "$dest" \
        "$name@$version" | tail -n 1)
    [[ -n $tgz && -f $dest/$tgz ]] || die "npm pack $name@$version failed"
    tar -xzf "$dest/$tgz" -C "$dest"
    actual=$(sed -n 's/^  "version": "\([^"]*\)".*/\1/p' "$dest/package/package.json" | head -n 1)
    [[ $actual == "$version" ]] || die "$name: expected $version, got '$actual'"
    printf '%s\n' "$dest/package"
}

# fresh_dir NAME -> empties and recreates vendor/NAME, prints its path
fresh_dir() {
    local dir="$vendor_dir/$1"
    rm -rf "$dir"
    mkdir -p "$dir"
    printf '%s\n' "$dir"
}

# Source maps are not vendored; drop the trailing references so browsers don't request
# missing .map files (and a hashing static storage won't fail on them).
strip_css_sourcemap() { sed -i -E 's#/\*[#@] sourceMappingURL=[^*]*\*/##g' "$1"; }
strip_js_sourcemap() { sed -i -E '/^\/\/[#@] sourceMappingURL=/d' "$1"; }

# --- @tabler/core ------------------------------------------------------------------------------
echo "Vendoring @tabler/core@$TABLER_CORE_VERSION"
pkg=$(fetch_pkg @tabler/core "$TABLER_CORE_VERSION")
out=$(fresh_dir tabler)
cp "$pkg/dist/css/tabler.min.css" "$pkg/dist/js/tabler.min.js" "$out/"
strip_css_sourcemap "$out/tabler.min.css"
strip_js_sourcemap "$out/tabler.min.js"
# Tabler 1.x does not @import web fonts (it uses the system font stack, and all its url()s
# are data: URIs), but strip any remote @import defensively: a Google Fonts (or other CDN)
# import would make every page try to reach the internet, which agency networks block.
sed -i -E "s#@import[[:space:]]*(url\()?[\"']?(https?:)?//[^;]*;##g" "$out/tabler.min.css"
if grep -Eq "url\([\"']?(https?:)?//" "$out/tabler.min.css"; then
    die "tabler.min.css references a remote url(); handle it before vendoring"
fi
# tabler.min.js is the UMD bundle (global `tabler`) that includes Bootstrap's components
# (Dropdown, Collapse, Modal, ...) and Popper; check that, and that the Bootstrap pin matches.
for component in bs.dropdown bs.collapse createPopper; do
    grep -q "$component" "$out/tabler.min.js" || die "tabler.min.js lacks $component"
done
bundled_bs=$(grep -oE 'static get VERSION\(\)\{return"[0-9.]+"' "$out/tabler.min.js" \
    | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | sort -u)
[[ $bundled_bs == "$BOOTSTRAP_VERSION" ]] \
    || die "tabler.min.js bundles Bootstrap '$bundled_bs'; set BOOTSTRAP_VERSION to it"
# The npm package ships no LICENSE file: write Tabler's MIT licence with the copyright
# lines taken from the banner of the built file.
{
    echo "The MIT License (MIT)"
    echo
    sed -n '1,10{s/^[ *]*\(Copyright .*\)$/\1/p}' "$pkg/dist/css/tabler.min.css"
    cat <<'EOF'

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in
all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
THE SOFTWARE.
EOF
} >"$out/LICENSE"
grep -q '^Copyright ' "$out/LICENSE" || die "could not read Tabler's copyright banner"
bs_pkg=$(fetch_pkg bootstrap "$BOOTSTRAP_VERSION")
cp "$bs_pkg/LICENSE" "$out/LICENSE.bootstrap"
popper_pkg=$(fetch_pkg @popperjs/core "$POPPER_VERSION")
cp "$popper_pkg/LICENSE.md" "$out/LICENSE.popper"
printf '@tabler/core@%s (bundles bootstrap@%s, @popperjs/core@%s)\n' \
    "$TABLER_CORE_VERSION" "$BOOTSTRAP_VERSION" "$POPPER_VERSION" >"$out/VERSION"

# --- @tabler/icons-webfont ---------------------------------------------------------------------
# The webfont (min CSS ~210 KB + woff2 ~500 KB) is well under our 2 MB budget, so we vendor
# the whole icon set rather than hand-picked SVGs.
echo "Vendoring @tabler/icons-webfont@$TABLER_ICONS_VERSION"
pkg=$(fetch_pkg @tabler/icons-webfont "$TABLER_ICONS_VERSION")
out=$(fresh_dir tabler-icons)
mkdir -p "$out/fonts"
cp "$pkg/dist/tabler-icons.min.css" "$out/"
cp "$pkg/dist/fonts/tabler-icons.woff2" "$out/fonts/"
cp "$pkg/LICENSE" "$out/"
# Only woff2 is vendored (every supported browser reads it): point the @font-face src at
# it alone, relative to the CSS file, so no request goes to the missing woff/ttf files.
sed -i -E 's#src:[^;}]*tabler-icons\.woff2[^;}]*#src:url("./fonts/tabler-icons.woff2?v'"$TABLER_ICONS_VERSION"'") format("woff2")#' \
    "$out/tabler-icons.min.css"
strip_css_sourcemap "$out/tabler-icons.min.css"
[[ $(grep -o 'url(' "$out/tabler-icons.min.css" | wc -l) -eq 1 ]] \
    || die "tabler-icons.min.css: unexpected url() references after rewrite"
printf '@tabler/icons-webfont@%s\n' "$TABLER_ICONS_VERSION" >"$out/VERSION"

# --- htmx.org ----------------------------------------------------------------------------------
echo "Vendoring htmx.org@$HTMX_VERSION"
pkg=$(fetch_pkg htmx.org "$HTMX_VERSION")
out=$(fresh_dir htmx)
cp "$pkg/dist/htmx.min.js" "$pkg/LICENSE" "$out/"
strip_js_sourcemap "$out/htmx.min.js"
printf 'htmx.org@%s\n' "$HTMX_VERSION" >"$out/VERSION"

# --- @fontsource/be-vietnam-pro ----------------------------------------------------------------
echo "Vendoring @fontsource/be-vietnam-pro@$BE_VIETNAM_PRO_VERSION"
pkg=$(fetch_pkg @fontsource/be-vietnam-pro "$BE_VIETNAM_PRO_VERSION")
out=$(fresh_dir be-vietnam-pro)
mkdir -p "$out/files"
cp "$pkg/LICENSE" "$out/"
css="$out/be-vietnam-pro.css"
cat >"$css" <<EOF
/*
 * Be Vietnam Pro (@fontsource/be-vietnam-pro@$BE_VIETNAM_PRO_VERSION), SIL Open Font License 1.1.
 * Generated by scripts/vendor_frontend.sh; do not edit by hand.
 * Subsets: ${FONT_SUBSETS[*]}; weights: ${FONT_WEIGHTS[*]}; normal style; woff2 only.
 */
EOF
for weight in "${FONT_WEIGHTS[@]}"; do
    for subset in "${FONT_SUBSETS[@]}"; do
        file="be-vietnam-pro-$subset-$weight-normal.woff2"
        [[ -f $pkg/files/$file ]] || die "missing $file in the font package"
        cp "$pkg/files/$file" "$out/files/"
        # unicode-range of this subset, copied from the package's per-weight CSS block.
        range=$(awk -v tag="/* be-vietnam-pro-$subset-$weight-normal */" '
            index($0, tag) { found = 1; next }
            found && /unicode-range:/ { sub(/.*unicode-range:[ ]*/, ""); sub(/;.*/, ""); print; exit }
            found && /^}/ { exit }
        ' "$pkg/$weight.css")
        [[ -n $range ]] || die "no unicode-range for $subset $weight in $weight.css"
        cat >>"$css" <<EOF

@font-face {
  font-family: 'Be Vietnam Pro';
  font-style: normal;
  font-display: swap;
  font-weight: $weight;
  src: url(./files/$file) format('woff2');
  unicode-range: $range;
}
EOF
    done
done
printf '@fontsource/be-vietnam-pro@%s\n' "$BE_VIETNAM_PRO_VERSION" >"$out/VERSION"

# --- Checks ------------------------------------------------------------------------------------
# Nothing vendored may point at a CDN or Google Fonts.
if grep -rEl 'fonts\.googleapis|fonts\.gstatic|cdn\.|unpkg\.com|jsdelivr' "$vendor_dir"; then
    die "the files above reference a CDN"
fi
echo
echo "Vendored into ${vendor_dir#"$repo_root"/}:"
(cd "$vendor_dir" && find . -type f | sort | sed 's#^\./#  #')
du -sh "$vendor_dir"
