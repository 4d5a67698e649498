#!/bin/bash
# RSS of the java adder in the JRE base image under JVM flag variants (200 calls each).
# Expects DIR (default /tmp/jobimages/jrss) with classes/ (Adder compiled with --release 21) and lib/
# (the javawrapper jar, Jackson and Netty jars as the java job type copies them); see
# docs/benchmarks.md "Job images". Run under the build lock: flock /tmp/rt-build.lock bench/job-image-jvm-rss.sh
set -u
export DOCKER_HOST=unix:///tmp/rt-docker/docker.sock
D=${DIR:-/tmp/jobimages/jrss}; BASE=127.0.0.1:5000/racetrack-base/jre:21
FLAGS="-XX:+UseSerialGC -Xms8m -Xmn4m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:-TieredCompilation -XX:CICompilerCount=1 -Xss512k -XX:ReservedCodeCacheSize=32m -XX:MaxDirectMemorySize=64m -XX:-UsePerfData"
TRIM="-XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=1000"
run() { # name port extra-flags
  docker run -d --name jobimages-rss-$2 --network host --read-only --user 65534:65534 -e MALLOC_ARENA_MAX=1 \
    -e JOB_NAME=a -e JOB_VERSION=1 -e JOB_HTTP_ADDR=127.0.0.1 -e JOB_HTTP_PORT=$2 -e RACETRACK_JOB_CALL_SECRET=s \
    -v $D:/app:ro $BASE java $FLAGS $3 -cp "/app/classes:/app/lib/*" dev.racetrack.javawrapper.JobMain com.example.Adder >/dev/null
  for i in $(seq 1 100); do curl -sf -o /dev/null -H 'X-Racetrack-Job-Secret: s' -H 'Content-Type: application/json' -d '{"numbers":[1,2]}' http://127.0.0.1:$2/api/v1/perform && break; sleep 0.2; done
  for i in $(seq 1 200); do curl -s -o /dev/null -H 'X-Racetrack-Job-Secret: s' -H 'Content-Type: application/json' -d '{"numbers":[1,2]}' http://127.0.0.1:$2/api/v1/perform; done
  sleep 3
  pid=$(docker inspect -f '{{.State.Pid}}' jobimages-rss-$2)
  echo "$1: $(grep VmRSS /proc/$pid/status)"
  docker rm -f jobimages-rss-$2 >/dev/null
}
run "current flags" 17301 ""
run "+ TrimNativeHeapInterval" 17302 "$TRIM"
run "+ Trim, C1 only (TieredStopAtLevel=1)" 17303 "$TRIM -XX:+TieredCompilation -XX:TieredStopAtLevel=1"
run "+ Trim, ReservedCodeCacheSize=16m, MaxMetaspace 32m... Xss256k" 17304 "$TRIM -Xss256k -XX:ReservedCodeCacheSize=16m"
