#!/usr/bin/env bash
# Brings up what the container tests need on a machine of this kind, idempotently:
#   - a Docker engine (dockerd on its own socket, no bridge: containers use the host network),
#   - a local OCI registry on 127.0.0.1:5000 that requires credentials (htpasswd),
#   - the base images the tests build jobs on, made locally (public image hubs are unreachable):
#     a Debian bookworm rootfs with Python 3.11 and pip, and the same plus a jlink'd Java runtime.
# Source it (`source .ci/containers.sh`) to get the RACETRACK_TEST_* variables the tests read; run it
# to just bring things up. The product never uses these names or addresses: they are test set-up.
set -euo pipefail

RT_CI_STATE="${RT_CI_STATE:-/tmp/rt-docker}"
RT_CI_CACHE="${RT_CI_CACHE:-/var/cache/racetrack-ci}"
export RACETRACK_TEST_DOCKER_HOST="${RACETRACK_TEST_DOCKER_HOST:-unix://$RT_CI_STATE/docker.sock}"
export RACETRACK_TEST_REGISTRY="${RACETRACK_TEST_REGISTRY:-127.0.0.1:5000}"
export RACETRACK_TEST_REGISTRY_USER="${RACETRACK_TEST_REGISTRY_USER:-racetrack}"
export RACETRACK_TEST_REGISTRY_PASSWORD="${RACETRACK_TEST_REGISTRY_PASSWORD:-racetrack-test-registry}"
export RACETRACK_TEST_PYTHON_BASE="${RACETRACK_TEST_PYTHON_BASE:-$RACETRACK_TEST_REGISTRY/racetrack-base/python:3.11}"
export RACETRACK_TEST_JAVA_BASE="${RACETRACK_TEST_JAVA_BASE:-$RACETRACK_TEST_REGISTRY/racetrack-base/jre:21}"

rt_ci_log() { echo "ci/containers: $*" >&2; }

rt_ci_packages() {
  local need=()
  command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
  command -v docker-registry >/dev/null 2>&1 || need+=(docker-registry)
  command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
  command -v htpasswd >/dev/null 2>&1 || need+=(apache2-utils)
  command -v curl >/dev/null 2>&1 || need+=(curl)
  if [ ${#need[@]} -gt 0 ]; then
    rt_ci_log "installing ${need[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
  fi
}

rt_ci_docker() {
  if DOCKER_HOST="$RACETRACK_TEST_DOCKER_HOST" docker version >/dev/null 2>&1; then
    return 0
  fi
  mkdir -p "$RT_CI_STATE"
  rt_ci_log "starting dockerd on $RACETRACK_TEST_DOCKER_HOST"
  # Loopback only, no bridge and no iptables on these machines: containers use the host network.
  nohup dockerd --host "$RACETRACK_TEST_DOCKER_HOST" --data-root "$RT_CI_STATE/root" \
    --exec-root "$RT_CI_STATE/exec" --pidfile "$RT_CI_STATE/pid" --bridge=none \
    --iptables=false --ip6tables=false --insecure-registry "$RACETRACK_TEST_REGISTRY" \
    >"$RT_CI_STATE/dockerd.log" 2>&1 &
  for _ in $(seq 1 100); do
    DOCKER_HOST="$RACETRACK_TEST_DOCKER_HOST" docker version >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  rt_ci_log "dockerd did not start; its log:"; tail -20 "$RT_CI_STATE/dockerd.log" >&2
  return 1
}

rt_ci_registry() {
  if curl -fsS -o /dev/null -w '' -u "$RACETRACK_TEST_REGISTRY_USER:$RACETRACK_TEST_REGISTRY_PASSWORD" \
    "http://$RACETRACK_TEST_REGISTRY/v2/" 2>/dev/null; then
    return 0
  fi
  mkdir -p "$RT_CI_STATE/registry"
  htpasswd -Bbn "$RACETRACK_TEST_REGISTRY_USER" "$RACETRACK_TEST_REGISTRY_PASSWORD" \
    >"$RT_CI_STATE/registry/htpasswd"
  cat >"$RT_CI_STATE/registry/config.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $RT_CI_STATE/registry/data
  delete:
    enabled: true
http:
  addr: $RACETRACK_TEST_REGISTRY
auth:
  htpasswd:
    realm: racetrack-test
    path: $RT_CI_STATE/registry/htpasswd
EOF
  rt_ci_log "starting a registry on $RACETRACK_TEST_REGISTRY (credentials required)"
  nohup docker-registry serve "$RT_CI_STATE/registry/config.yml" \
    >"$RT_CI_STATE/registry.log" 2>&1 &
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null -u "$RACETRACK_TEST_REGISTRY_USER:$RACETRACK_TEST_REGISTRY_PASSWORD" \
      "http://$RACETRACK_TEST_REGISTRY/v2/" 2>/dev/null && return 0
    sleep 0.2
  done
  rt_ci_log "the registry did not start; its log:"; tail -20 "$RT_CI_STATE/registry.log" >&2
  return 1
}

rt_ci_has_image() { # repository tag
  curl -fsS -o /dev/null -u "$RACETRACK_TEST_REGISTRY_USER:$RACETRACK_TEST_REGISTRY_PASSWORD" \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    "http://$RACETRACK_TEST_REGISTRY/v2/$1/manifests/$2" 2>/dev/null
}

rt_ci_rootfs() { # prints the path of a cached rootfs tarball with python3 and pip
  local tarball="$RT_CI_CACHE/bookworm-python3.tar"
  if [ ! -s "$tarball" ]; then
    local mirror dir
    mirror="$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null \
      || true)"
    mirror="${mirror:-http://deb.debian.org/debian}"
    dir="$(mktemp -d /tmp/rt-rootfs.XXXXXX)"
    rt_ci_log "building a Debian bookworm rootfs with python3 and pip from $mirror (about 4 min)"
    debootstrap --variant=minbase --include=python3,python3-pip,ca-certificates bookworm "$dir" \
      "$mirror" >"$RT_CI_STATE/debootstrap.log" 2>&1 \
      || { tail -20 "$RT_CI_STATE/debootstrap.log" >&2; return 1; }
    rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
    mkdir -p "$RT_CI_CACHE"
    tar -C "$dir" -cf "$tarball.partial" . && mv "$tarball.partial" "$tarball"
    rm -rf "$dir"
  fi
  echo "$tarball"
}

rt_ci_base_images() {
  local python_repo="${RACETRACK_TEST_PYTHON_BASE#"$RACETRACK_TEST_REGISTRY"/}"
  local java_repo="${RACETRACK_TEST_JAVA_BASE#"$RACETRACK_TEST_REGISTRY"/}"
  if rt_ci_has_image "${python_repo%:*}" "${python_repo##*:}" \
    && rt_ci_has_image "${java_repo%:*}" "${java_repo##*:}"; then
    return 0
  fi
  export DOCKER_HOST="$RACETRACK_TEST_DOCKER_HOST" DOCKER_BUILDKIT=0
  echo "$RACETRACK_TEST_REGISTRY_PASSWORD" \
    | docker login -u "$RACETRACK_TEST_REGISTRY_USER" --password-stdin "$RACETRACK_TEST_REGISTRY" \
      >/dev/null
  local tarball
  tarball="$(rt_ci_rootfs)"
  rt_ci_log "importing the python base image $RACETRACK_TEST_PYTHON_BASE"
  docker import -c 'ENV LANG=C.UTF-8' -c 'CMD ["python3"]' "$tarball" "$RACETRACK_TEST_PYTHON_BASE" \
    >/dev/null
  docker push -q "$RACETRACK_TEST_PYTHON_BASE" >/dev/null
  # The java base: the same rootfs plus a Java runtime made by jlink from the build's JDK.
  local jdk ctx
  jdk="${JAVA_HOME:-}"
  if [ -z "$jdk" ] || [ ! -x "$jdk/bin/jlink" ]; then
    jdk="$(ls -d /usr/lib/jvm/temurin-2[1-9]* /usr/lib/jvm/*-2[1-9]-* 2>/dev/null | head -1)"
  fi
  ctx="$(mktemp -d /tmp/rt-jre.XXXXXX)"
  rt_ci_log "making a Java runtime with $jdk/bin/jlink for $RACETRACK_TEST_JAVA_BASE"
  # JDKs >= 24 may ship without jmods (they link from their own run-time image), where
  # ALL-MODULE-PATH is refused: name the Java SE and runtime-support modules instead.
  local modules
  modules="$("$jdk/bin/java" --list-modules | sed 's/@.*//' \
    | grep -E '^(java\.|jdk\.(crypto|charsets|localedata|net|httpserver|unsupported|zipfs|management|naming|jfr|xml\.dom|security|sctp|dynalink))' \
    | grep -v internal | paste -sd, -)"
  "$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
    --output "$ctx/jre" >/dev/null
  cat >"$ctx/Dockerfile" <<EOF
FROM $RACETRACK_TEST_PYTHON_BASE
COPY jre /opt/java
ENV JAVA_HOME=/opt/java PATH=/opt/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
EOF
  docker build -q -t "$RACETRACK_TEST_JAVA_BASE" "$ctx" >/dev/null
  docker push -q "$RACETRACK_TEST_JAVA_BASE" >/dev/null
  rm -rf "$ctx"
}

rt_ci_containers() {
  rt_ci_packages
  rt_ci_docker
  rt_ci_registry
  rt_ci_base_images
  rt_ci_log "ready: DOCKER_HOST=$RACETRACK_TEST_DOCKER_HOST registry=$RACETRACK_TEST_REGISTRY" \
    "bases=$RACETRACK_TEST_PYTHON_BASE $RACETRACK_TEST_JAVA_BASE"
}

# Sourced or run, the same: the caller (.ci/run) keeps its own strict mode.
rt_ci_containers
