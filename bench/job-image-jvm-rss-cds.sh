#!/bin/bash
# RSS of the java adder in the JRE base image with extra JVM flags (200 calls, then VmRSS, RssAnon,
# RssFile of the container's main process). usage: job-image-jvm-rss-cds.sh NAME PORT "FLAGS" [docker-run args]
# CP overrides the class path (default /app/classes:/app/lib/*); KEEP=1 leaves the container running.
# DIR (default /tmp/rt-cont-jrss) holds classes/ and lib/ as in bench/job-image-jvm-rss.sh; EXP (default /tmp/rt-cont-exp) is
# mounted at /exp (class lists, CDS archives). See docs/benchmarks.md "java adder RSS: CDS".
# Run under the build lock.
set -u
export DOCKER_HOST=unix:///tmp/rt-docker/docker.sock
D=${DIR:-/tmp/rt-cont-jrss}; EXP=${EXP:-/tmp/rt-cont-exp}; BASE=127.0.0.1:5000/racetrack-base/jre:21
# FLAGS: the java job type's JVM_FLAGS before 2026-12-02 15:40 (the Netty JFR switch is passed as an extra flag)
FLAGS="-XX:+UseSerialGC -Xms8m -Xmn4m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:-TieredCompilation -XX:CICompilerCount=1 -Xss512k -XX:ReservedCodeCacheSize=32m -XX:MaxDirectMemorySize=64m -XX:-UsePerfData"
name=$1; port=$2; extra=$3; shift 3
docker run -d --name rt-cont-rss-$port --network host --read-only --user 65534:65534 -e MALLOC_ARENA_MAX=1 "$@" \
    -e JOB_NAME=a -e JOB_VERSION=1 -e JOB_HTTP_ADDR=127.0.0.1 -e JOB_HTTP_PORT=$port -e RACETRACK_JOB_CALL_SECRET=s \
    -v $D:/app:ro -v $EXP:/exp $BASE java $FLAGS $extra -cp "${CP:-/app/classes:/app/lib/*}" dev.racetrack.javawrapper.JobMain com.example.Adder >/dev/null
for i in $(seq 1 150); do curl -sf -o /dev/null -H 'X-Racetrack-Job-Secret: s' -H 'Content-Type: application/json' -d '{"numbers":[1,2]}' http://127.0.0.1:$port/api/v1/perform && break; sleep 0.2; done
for i in $(seq 1 200); do curl -s -o /dev/null -H 'X-Racetrack-Job-Secret: s' -H 'Content-Type: application/json' -d '{"numbers":[1,2]}' http://127.0.0.1:$port/api/v1/perform; done
sleep 3
pid=$(docker inspect -f '{{.State.Pid}}' rt-cont-rss-$port)
echo "$name: $(grep VmRSS /proc/$pid/status) $(grep -E 'RssAnon|RssFile' /proc/$pid/status | tr -s ' \n' ' ')"
if [ "${KEEP:-}" = "" ]; then docker stop -t 5 rt-cont-rss-$port >/dev/null; docker logs rt-cont-rss-$port 2>&1 | grep -iE 'error|warn' | head -3; docker rm -f rt-cont-rss-$port >/dev/null; fi
