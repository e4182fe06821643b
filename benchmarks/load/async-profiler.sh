#!/usr/bin/env bash
# Prints the path of async-profiler's agent library, fetched once from Maven Central (the machine
# reaches no other download site) into ~/.cache/portcullis-bench. async-profiler samples Java and
# kernel frames together, which JFR cannot: on a proxy whose time is mostly system calls, that
# is where the time is. Use it as a JVM agent, on Portcullis and on a floor proxy alike:
#
#   AP=$(benchmarks/load/async-profiler.sh)
#   PORTCULLIS_JAVA_OPTS="-agentpath:$AP=start,event=cpu,interval=1ms,file=/tmp/portcullis.collapsed" \
#   FLOOR_JAVA_OPTS="-agentpath:$AP=start,event=cpu,interval=1ms,file=/tmp/floor.collapsed" \
#     TARGETS="floor-helidon portcullis-nolog" benchmarks/load/run-proxy.sh
#   java benchmarks/load/ProfileBuckets.java /tmp/floor.collapsed FLOOR_CPU_US /tmp/portcullis.collapsed PORTCULLIS_CPU_US
#
# (the CPU µs per request of each target from that run's table; the profiles span warm-up and
# measured window alike, and the agent costs ~25 % of CPU, so read the buckets as shares).
# Needs perf events (kernel.perf_event_paranoid <= 2, the default); the file is written when the
# JVM exits. VERSION picks another release (default 4.2).
set -euo pipefail
VERSION="${VERSION:-4.2}"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/portcullis-bench/async-profiler-$VERSION"
lib="$cache/libasyncProfiler.so"
if [ ! -f "$lib" ]; then
  mkdir -p "$cache"
  jar="$cache/async-profiler-$VERSION.jar"
  curl -fsSL -o "$jar" "https://repo1.maven.org/maven2/tools/profiler/async-profiler/$VERSION/async-profiler-$VERSION.jar" \
    || { echo "async-profiler.sh: cannot fetch async-profiler $VERSION from Maven Central" >&2; exit 1; }
  unzip -q -o -j "$jar" linux-x64/libasyncProfiler.so -d "$cache"
fi
echo "$lib"
