#!/usr/bin/env bash
# Makes a release: dist/ with an archive of `report` and one of `review` per platform, and SHA256SUMS.
#
#   ./release.sh                          every platform
#   ./release.sh --platform linux-x64     one (repeatable)
#   ./release.sh --check [--platform …]   two clean clones of HEAD built side by side: SHA256SUMS must match
#   ./release.sh --tools-only …           without the server's archive (made with linux-x64: server/deploy/package.sh)
#
# Each archive holds one folder that runs with nothing installed (self-contained; no .NET on the machine):
# Native AOT for Linux (x64, and arm64 cross-compiled), trimmed self-contained builds for Windows and macOS,
# never single-file (nothing is extracted to a cache at start). Reproducible: the same commit gives the same bytes (deterministic compilation with
# source paths mapped, SOURCE_DATE_EPOCH = the commit's time, archives with sorted entries, fixed owners,
# modes and times). Signing is the organisation's, offline: review org sign-file (README, Getting the tools).
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)

all_platforms=(linux-x64 linux-arm64 win-x64 osx-x64 osx-arm64)
tools=(report review)
platforms=()
check=0
server=1
out="$root/dist"
while [ $# -gt 0 ]; do
  case "$1" in
    --platform) platforms+=("$2"); shift 2 ;;
    --out) out=$(realpath -m "$2"); shift 2 ;;
    --check) check=1; shift ;;
    --tools-only) server=0; shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "release.sh: error: unknown option $1" >&2; echo "release.sh: hint: see ./release.sh --help" >&2; exit 2 ;;
  esac
done
[ ${#platforms[@]} -gt 0 ] || platforms=("${all_platforms[@]}")
for platform in "${platforms[@]}"; do
  case " ${all_platforms[*]} " in *" $platform "*) ;; *)
    echo "release.sh: error: unknown platform $platform" >&2
    echo "release.sh: hint: one of ${all_platforms[*]}" >&2; exit 2 ;;
  esac
done

export LC_ALL=C TZ=UTC DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
umask 022

if [ "$check" = 1 ]; then
  # Two clones in different folders, built one after the other: what differs between them (the path, the
  # clock, the order files were written in) must not reach the archives.
  work=$(mktemp -d -t reporting-release-check-XXXXXX)
  trap 'rm -rf "$work"' EXIT
  head=$(git rev-parse HEAD) # once: a commit made meanwhile must not reach the second clone
  args=(); for platform in "${platforms[@]}"; do args+=(--platform "$platform"); done
  [ "$server" = 1 ] || args+=(--tools-only)
  for n in 1 2; do
    git clone -q --no-hardlinks "$root" "$work/clone-$n"
    git -C "$work/clone-$n" checkout -q "$head"
    echo "release.sh: building clone $n in $work/clone-$n" >&2
    "$work/clone-$n/release.sh" "${args[@]}" --out "$work/dist-$n" >&2
  done
  if cmp -s "$work/dist-1/SHA256SUMS" "$work/dist-2/SHA256SUMS"; then
    cat "$work/dist-1/SHA256SUMS"
    echo "release.sh: reproducible: two clean builds of $head gave identical SHA256SUMS"
    exit 0
  fi
  diff "$work/dist-1/SHA256SUMS" "$work/dist-2/SHA256SUMS" >&2 || true
  echo "release.sh: error: the two builds differ" >&2
  exit 1
fi

# What the builds need beyond the SDK, installed when missing as test.sh installs what the tests drive.
# Native AOT links with clang and zlib (Debian's clang, zlib1g-dev); linux-arm64 is cross-compiled with
# Debian's aarch64 toolchain and C library (its runtime pack brings its own zlib). Native AOT for macOS
# and Windows needs their own systems. Windows archives are zip files.
aot_platforms=(linux-x64 linux-arm64)
need=()
for platform in "${platforms[@]}"; do
  case "$platform" in
    linux-x64)
      command -v clang >/dev/null || need+=(clang)
      [ -e /usr/include/zlib.h ] || need+=(zlib1g-dev) ;;
    linux-arm64)
      command -v clang >/dev/null || need+=(clang)
      command -v aarch64-linux-gnu-ld >/dev/null || need+=(gcc-aarch64-linux-gnu)
      [ -e /usr/aarch64-linux-gnu/lib/libc.so ] || need+=(libc6-dev-arm64-cross) ;;
    win-*)
      command -v zip >/dev/null || need+=(zip) ;;
  esac
done
if [ ${#need[@]} -gt 0 ]; then
  mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "release.sh: error: the builds need ${need[*]}" >&2
    echo "release.sh: hint: sudo apt-get install ${need[*]}" >&2
    exit 1
  fi
fi

commit=$(git rev-parse HEAD)
# The commit's own time: the same commit gives the same archive times whenever and wherever it is built.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct "$commit")}
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -1)
[ -n "$version" ] || { echo "release.sh: error: no <Version> in Directory.Build.props" >&2; exit 1; }

# Everything the build writes stays under .artifacts/release (ignored by git), apart from the developer's
# own bin/ and obj/, so a release never mixes with or disturbs a working build.
artifacts="$root/.artifacts/release"
rm -rf "$artifacts"
mkdir -p "$artifacts" "$out"
rm -f "$out"/report-* "$out"/review-* "$out"/reporting-server-* "$out/SHA256SUMS"

project_of() { case "$1" in report) echo client/Report/Report.csproj ;; review) echo client/Review/Review.csproj ;; esac; }

publish() { # tool platform folder
  local tool=$1 platform=$2 folder=$3 mode
  local -a how
  case " ${aot_platforms[*]} " in
    *" $platform "*) mode="Native AOT"; how=(-p:PublishAot=true) ;;
    *) mode="trimmed, self-contained"; how=(-p:PublishTrimmed=true --self-contained) ;;
  esac
  echo "release.sh: $tool $version for $platform ($mode)" >&2
  # ContinuousIntegrationBuild maps source paths to /_/ (no clone path in the binaries); Deterministic is on by
  # default; no single file (a single-file .NET app extracts native libraries to a cache folder at start).
  dotnet publish "$(project_of "$tool")" -c Release -r "$platform" "${how[@]}" \
    --artifacts-path "$artifacts/build" -o "$folder" -nologo -v quiet \
    -p:ContinuousIntegrationBuild=true -p:Deterministic=true -p:SourceRevisionId="$commit" \
    -p:PublishSingleFile=false -p:DebugType=none -p:DebugSymbols=false -p:StripSymbols=true \
    -p:GenerateDocumentationFile=false >&2
  # Debug symbols are not shipped; Native AOT compiles the translations into the executable.
  find "$folder" \( -name '*.pdb' -o -name '*.dbg' -o -name '*.dwarf' \) -delete
  if [ "$mode" = "Native AOT" ]; then
    find "$folder" -name '*.resources.dll' -delete
    find "$folder" -mindepth 1 -type d -empty -delete
  fi
}

stage() { # tool platform folder
  local tool=$1 platform=$2 folder=$3
  sed -e "s/@VERSION@/$version/g" -e "s/@PLATFORM@/$platform/g" -e "s/@COMMIT@/$commit/g" \
    "client/Release/README-$tool.txt" > "$folder/README.txt"
  cp LICENSE "$folder/LICENSE.txt"
  cp client/Release/THIRD-PARTY-NOTICES.txt "$folder/THIRD-PARTY-NOTICES.txt"
  case "$platform" in win-*) for f in README LICENSE THIRD-PARTY-NOTICES; do sed -i 's/$/\r/' "$folder/$f.txt"; done ;; esac
  # Fixed modes and times: the archive must not carry this machine's umask or clock.
  find "$folder" -type d -exec chmod 755 {} +
  find "$folder" -type f -exec chmod 644 {} +
  find "$folder" -type f \( -name "$tool" -o -name '*.so' -o -name '*.dylib' \) -exec chmod 755 {} +
  find "$folder" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
}

archive() { # folder-parent name platform
  local parent=$1 name=$2 platform=$3
  case "$platform" in
    win-*)
      (cd "$parent" && find "$name" -print | sort | zip -q -X -9 -@ "$out/$name.zip") ;;
    *)
      tar -C "$parent" --sort=name --format=gnu --owner=0 --group=0 --numeric-owner \
        --mtime="@$SOURCE_DATE_EPOCH" -cf - "$name" | gzip -9 -n > "$out/$name.tar.gz" ;;
  esac
}

for platform in "${platforms[@]}"; do
  for tool in "${tools[@]}"; do
    name="$tool-$version-$platform"
    parent="$artifacts/stage/$platform"
    mkdir -p "$parent"
    publish "$tool" "$platform" "$parent/$name"
    stage "$tool" "$platform" "$parent/$name"
    archive "$parent" "$name" "$platform"
  done
done

# The server runs on Linux servers only: its archive comes with linux-x64.
case " ${platforms[*]} " in
  *" linux-x64 "*) [ "$server" = 1 ] && server/deploy/package.sh "$out" "$version" ;;
esac

(cd "$out" && sha256sum -- report-* review-* $(ls reporting-server-* 2>/dev/null) | sort -k 2 > SHA256SUMS)
echo "release.sh: wrote $out (commit $commit, SOURCE_DATE_EPOCH $SOURCE_DATE_EPOCH):" >&2
(cd "$out" && for f in report-* review-* $(ls reporting-server-* 2>/dev/null); do awk -v f="$f" -v s="$(stat -c %s "$f")" 'BEGIN { printf "  %-40s %8.1f MiB\n", f, s / 1048576 }'; done) >&2
