#!/usr/bin/env bash
# Makes the server's release archive: DIST_DIR/reporting-server-VERSION-linux-x64.tar.gz, one folder
# holding the server published self-contained for linux-x64 (no .NET needed on the machine), the
# systemd unit, the sysusers entry, an example configuration, the torrc lines and a README.
#
#   server/deploy/package.sh DIST_DIR VERSION
#
# Reproducible: the same commit gives the same bytes (deterministic compilation with source paths
# mapped, SOURCE_DATE_EPOCH = the commit's time unless set, entries sorted, owner 0:0, fixed modes and
# times, gzip without a name or time). release.sh calls it; it can run on its own.
set -euo pipefail
dist=${1:?usage: package.sh DIST_DIR VERSION}; version=${2:?usage: package.sh DIST_DIR VERSION}
cd "$(dirname "$0")/../.."
root=$(pwd)
mkdir -p "$dist"; dist=$(cd "$dist" && pwd)

export LC_ALL=C TZ=UTC DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
umask 022
commit=$(git rev-parse HEAD)
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct "$commit")}
platform=linux-x64
name="reporting-server-$version-$platform"

# Everything the build writes stays under .artifacts/ (ignored by git), apart from anyone's bin/ and obj/.
artifacts="$root/.artifacts/server-package"
rm -rf "$artifacts"
folder="$artifacts/stage/$name"
mkdir -p "$folder"

echo "package.sh: reporting-server $version for $platform (self-contained), commit $commit" >&2
# Not trimmed and not Native AOT: ASP.NET Core's configuration binding and Data Protection need
# reflection. Not single-file: it would extract native libraries to a cache folder at start.
dotnet publish server/Reporting.Server/Reporting.Server.csproj -c Release -r "$platform" --self-contained \
  --artifacts-path "$artifacts/build" -o "$folder" -nologo -v quiet \
  -p:Version="$version" -p:ContinuousIntegrationBuild=true -p:Deterministic=true -p:SourceRevisionId="$commit" \
  -p:PublishSingleFile=false -p:DebugType=none -p:DebugSymbols=false -p:GenerateDocumentationFile=false >&2
find "$folder" -name '*.pdb' -delete

deploy=server/deploy
cp "$deploy/reporting-server.service" "$deploy/reporting-server.sysusers" "$deploy/server.env.example" "$deploy/torrc.example" "$folder/"
sed -e "s/@VERSION@/$version/g" -e "s/@PLATFORM@/$platform/g" -e "s/@COMMIT@/$commit/g" "$deploy/README.txt" > "$folder/README.txt"

# Fixed modes and times: the archive must not carry this machine's umask or clock.
find "$folder" -type d -exec chmod 755 {} +
find "$folder" -type f -exec chmod 644 {} +
find "$folder" -type f \( -name Reporting.Server -o -name '*.so' \) -exec chmod 755 {} +
find "$folder" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
tar -C "$artifacts/stage" --sort=name --format=gnu --owner=0 --group=0 --numeric-owner \
  --mtime="@$SOURCE_DATE_EPOCH" -cf - "$name" | gzip -9 -n > "$dist/$name.tar.gz"
echo "$dist/$name.tar.gz"
