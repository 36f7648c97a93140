#!/bin/sh
# Builds one libFuzzer target from the core's pure sources and runs it.
#   Fuzz/run.sh RequestParser 300      # target name, seconds
# Corpus: Fuzz/corpus-TARGET (ignored by git), seeded from Fuzz/TARGET/seeds. Crashes land in
# Fuzz/.build/artifacts-TARGET/ (both ignored by git). Extra arguments go to libFuzzer (e.g. -jobs=2, -max_len=4096).
set -eu
target=${1:?usage: run.sh TARGET SECONDS [libFuzzer args]}
seconds=${2:-60}
shift 2 || shift $#
here=$(cd "$(dirname "$0")" && pwd)
src="$here/../Sources/SWHostHTTPCore"
out="$here/.build"
mkdir -p "$out" "$here/corpus-$target" "$out/artifacts-$target"
case "$target" in
  RequestParser) files="$src/Parser/HTTPRequestHeadParser.swift $src/Parser/RequestHead.swift $src/Parser/ChunkedBodyDecoder.swift $src/Parser/HTTPParseError.swift $src/Request/HTTPMethod.swift $src/Request/HTTPHeaderList.swift $src/URI/NormalizedURI.swift" ;;
  URINormalizer) files="$src/URI/NormalizedURI.swift" ;;
  *) echo "unknown target $target (RequestParser, URINormalizer)" >&2; exit 2 ;;
esac
# The parser sources import nothing, so they compile on their own; the target's main.swift
# holds the LLVMFuzzerTestOneInput entry point. Address sanitizer catches out-of-bounds reads.
swiftc -sanitize=fuzzer,address -parse-as-library -O -g -module-name FuzzCore \
    $files "$here/$target/main.swift" -o "$out/fuzz-$target"
cp -n "$here/$target/seeds/"* "$here/corpus-$target/" 2>/dev/null || true
exec "$out/fuzz-$target" -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 \
    -artifact_prefix="$out/artifacts-$target/" "$@" "$here/corpus-$target"
