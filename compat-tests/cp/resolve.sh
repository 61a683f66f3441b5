#!/usr/bin/env bash
# Writes OUTDIR/cp-<version>.txt (runtime classpath of the stock RocketMQ jars of each version) by running
# maven-dependency-plugin:build-classpath on the helper poms next to this script, in one forked Maven run.
# Skips the fork when every cp file is newer than the helper poms and lists only existing jars.
# Usage: resolve.sh OUTDIR LOCAL_REPO offline=(true|false) [MVN]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$1"; repo="$2"; offline="$3"; mvn="${4:-mvn}"
versions="4.9.7 4.9.8 5.3.3"
fresh=1
for v in $versions; do
  f="$out/cp-$v.txt"
  if [[ ! -s "$f" || "$here/$v/pom.xml" -nt "$f" || "$here/pom.xml" -nt "$f" ]]; then fresh=0; break; fi
  IFS=":" read -r -a jars < "$f" || true
  for j in "${jars[@]}"; do [[ -e "$j" ]] || { fresh=0; break 2; }; done
done
if [[ $fresh == 1 ]]; then exit 0; fi
args=(-B -q -f "$here/pom.xml" generate-resources "-Dcp.outputDir=$out" "-Dmaven.repo.local=$repo")
[[ "$offline" == "offline=true" ]] && args+=(-o)
[[ -x "$mvn" ]] || mvn=mvn
exec "$mvn" "${args[@]}"
