# Sourced by the project's scripts: finds a JDK >= 25 and exports JAVA_HOME, or exits with one line.
# Order: $MARFT_JAVA_HOME, $JAVA_HOME, any JDK under /usr/lib/jvm or /opt, then `java` on PATH.
marft_java_major() { # prints the feature version of the JDK at $1, or nothing
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p'
}
marft_find_jdk() {
  local c v
  for c in "${MARFT_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/* /opt/*jdk* /opt/java/* \
           "$(dirname "$(dirname "$(readlink -f "$(command -v javac 2>/dev/null || echo /nonexistent)")")")"; do
    [ -n "$c" ] && [ -d "$c" ] || continue
    v=$(marft_java_major "$c")
    if [ -n "$v" ] && [ "$v" -ge 25 ]; then echo "$c"; return 0; fi
  done
  return 1
}
if ! MARFT_JDK=$(marft_find_jdk); then
  echo "marft: needs a JDK 25 or newer (javac included); none found in \$MARFT_JAVA_HOME, \$JAVA_HOME, /usr/lib/jvm or on PATH. Install Temurin 25 and set JAVA_HOME." >&2
  exit 1
fi
export JAVA_HOME="$MARFT_JDK"
export PATH="$JAVA_HOME/bin:$PATH"
# Maven's own guava calls sun.misc.Unsafe, which JDK 24+ warns about on every build: allowed quietly
case " ${MAVEN_OPTS:-} " in *--sun-misc-unsafe-memory-access=*) ;; *) export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" ;; esac
if ! command -v mvn >/dev/null 2>&1; then
  echo "marft: needs Apache Maven (mvn) on PATH to build; install it (apt-get install maven)." >&2
  exit 1
fi
