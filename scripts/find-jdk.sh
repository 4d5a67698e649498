# Sourced by ./racetrack and ./run-tests: finds a JDK >= 21 and exports JAVA_HOME.
# Order: $JAVA_HOME if it is >= 21, then the newest JDK under /usr/lib/jvm, then `java` on PATH.

rt_java_major() {
  # Prints the feature version of the JDK in directory $1 (e.g. 17, 21, 25), or nothing.
  # Reads the JDK's `release` file when there is one (fast), else asks the java binary.
  local version=""
  if [ -f "$1/release" ]; then
    version=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" | head -n 1)
  fi
  if [ -z "$version" ]; then
    version=$("$1/bin/java" -XshowSettings:properties -version 2>&1 \
      | sed -n 's/^ *java\.specification\.version = //p' | head -n 1)
  fi
  echo "$version"
}

rt_find_jdk() {
  local candidates=() dir major best="" best_major=0
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for dir in /usr/lib/jvm/*/ /opt/java/*/ /opt/jdk*/; do
    [ -d "$dir" ] && candidates+=("${dir%/}")
  done
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for dir in "${candidates[@]}"; do
    [ -x "$dir/bin/java" ] && [ -x "$dir/bin/javac" ] || continue
    major=$(rt_java_major "$dir")
    case "$major" in ''|*[!0-9]*) continue ;; esac
    # Prefer an explicit JAVA_HOME that is good enough; otherwise the newest.
    if [ "$dir" = "${JAVA_HOME:-}" ] && [ "$major" -ge 21 ]; then best=$dir; break; fi
    if [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then best=$dir; best_major=$major; fi
  done
  if [ -z "$best" ]; then
    echo "racetrack: no JDK >= 21 found (checked JAVA_HOME, /usr/lib/jvm, /opt and java on PATH)." >&2
    echo "racetrack: install one (e.g. Temurin 21 or 25) or point JAVA_HOME at it." >&2
    return 1
  fi
  export JAVA_HOME="$best"
  export PATH="$JAVA_HOME/bin:$PATH"
}
