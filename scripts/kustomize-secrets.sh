#!/usr/bin/env bash
# Writes the secret files kustomize/dev's secretGenerator reads, each only when it is missing (a
# file there is never overwritten: AUTH_KEY signs every token and RACETRACK_SECRETS_KEY seals every
# stored secret, so changing them locks the platform out of its own data):
#   racetrack.env              AUTH_KEY, INTERNAL_TOKEN, JOB_CALL_KEY, RACETRACK_SECRETS_KEY (random)
#   postgres.env               POSTGRES_PASSWORD (random)
#   registry.env               DOCKER_REGISTRY_USERNAME/PASSWORD: the account the image builder
#                              pushes job images with (JOB_REGISTRY_USER/JOB_REGISTRY_PASSWORD, else
#                              REGISTRY_USER/REGISTRY_PASSWORD as `make docker-push` takes them;
#                              empty for a registry without accounts)
#   registry-dockerconfig.json the same account as the pull secret the kubelet pulls job images with,
#                              for DOCKER_REGISTRY of config.env
# Usage: scripts/kustomize-secrets.sh [DIR]   (DIR: the kustomization, default kustomize/dev)
# `make docker-push` runs it; the files are git-ignored. See docs/admin.md "On Kubernetes".
set -euo pipefail

dir="${1:-$(cd "$(dirname "$0")/.." && pwd)/kustomize/dev}"
secrets="$dir/secrets"
if [ ! -f "$dir/kustomization.yaml" ]; then
  echo "kustomize secrets: $dir holds no kustomization.yaml" >&2
  exit 2
fi
mkdir -p "$secrets"

random() { head -c 32 /dev/urandom | base64 | tr -d '\n='; }

# write FILE CONTENT: only when FILE is missing; mode 600; complete or absent (rename into place)
write() {
  local file="$secrets/$1"
  if [ -e "$file" ]; then
    echo "kustomize secrets: kept $file"
    return 0
  fi
  local tmp
  tmp="$(umask 077 && mktemp "$secrets/.$1.XXXXXX")"
  printf '%s\n' "$2" >"$tmp"
  mv "$tmp" "$file"
  echo "kustomize secrets: wrote $file"
}

user="${JOB_REGISTRY_USER:-${REGISTRY_USER:-}}"
password="${JOB_REGISTRY_PASSWORD:-${REGISTRY_PASSWORD:-}}"
if [ -n "$user" ] && [ -z "$password" ]; then
  echo "kustomize secrets: a registry user ($user) needs its password too" \
    "(JOB_REGISTRY_PASSWORD or REGISTRY_PASSWORD)" >&2
  exit 2
fi
registry="$(sed -n 's/^DOCKER_REGISTRY=//p' "$dir/config.env" 2>/dev/null | tail -1)"
if [ -z "$registry" ]; then
  echo "kustomize secrets: $dir/config.env sets no DOCKER_REGISTRY (the job images' registry)" >&2
  exit 2
fi

# base64 of "user:password", as docker writes it; \ and " escaped for the JSON string
json() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g'; }
if [ -n "$user" ]; then
  auth="$(printf '%s:%s' "$user" "$password" | base64 | tr -d '\n')"
  dockerconfig="{\"auths\": {\"$(json "$registry")\": {\"auth\": \"$auth\"}}}"
else
  dockerconfig='{"auths": {}}'
fi

write racetrack.env "AUTH_KEY=$(random)
INTERNAL_TOKEN=$(random)
JOB_CALL_KEY=$(random)
RACETRACK_SECRETS_KEY=$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
write postgres.env "POSTGRES_PASSWORD=$(random)"
write registry.env "DOCKER_REGISTRY_USERNAME=$user
DOCKER_REGISTRY_PASSWORD=$password"
write registry-dockerconfig.json "$dockerconfig"
