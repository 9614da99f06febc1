#!/usr/bin/env bash
# Regenerates the Maven Surefire + JUnit 5 fixture under tests/fixtures/tests/surefire/ with
# the real tools, offline: Maven (Debian `maven`), the Surefire, compiler and resources plugins
# and JUnit 5 from Debian's Maven repository (/usr/share/maven-repo, packages
# `libsurefire-java`, `junit5`, `libmaven-compiler-plugin-java`,
# `libmaven-resources-plugin-java`), which settings.xml mirrors instead of Maven Central.
#
# The sample project fails an assertion (JUnit's AssertionFailureBuilder frames come first in
# the trace), throws from the code under test (Calculator.divide is the first frame), passes
# one test and disables one. `trimStackTrace` is off, as it is by default since Surefire 3.0,
# so the report carries whole stack traces as users see them. Next to the report the script
# keeps the two source files (where the annotations must point) and Maven's console totals.
#
# A second project (JUnit 4, Debian `junit4`, through Surefire's junit4 provider, the one that
# reruns in 2.22) runs with `-Dsurefire.rerunFailingTestsCount=2`: a test that fails its first
# attempt and passes the rerun (Surefire writes `<flakyFailure>` and counts it as a flake), a
# test that fails every attempt (`<failure>` plus `<rerunFailure>`s) and a passing test. Its
# report, source and console totals go to tests/fixtures/tests/surefire-reruns/.
#
# Idempotent: everything runs in a throwaway temp dir whose path is rewritten to
# /tmp/fixture-work in the report; timings change on every run, the counts do not.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FX="$ROOT/tests/fixtures/tests/surefire"
DEBIAN_REPO=/usr/share/maven-repo

WORK="$(mktemp -d /tmp/gen-surefire-fixture.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT

missing=()
command -v mvn >/dev/null || missing+=(maven)
command -v javac >/dev/null || missing+=(default-jdk-headless)
[ -d "$DEBIAN_REPO/org/apache/maven/plugins/maven-surefire-plugin/2.22.3" ] || missing+=(libsurefire-java)
[ -d "$DEBIAN_REPO/org/junit/jupiter/junit-jupiter-engine" ] || missing+=(junit5)
[ -d "$DEBIAN_REPO/junit/junit/4.x" ] || missing+=(junit4)
[ -d "$DEBIAN_REPO/org/apache/maven/plugins/maven-compiler-plugin/3.10.1" ] || missing+=(libmaven-compiler-plugin-java)
[ -d "$DEBIAN_REPO/org/apache/maven/plugins/maven-resources-plugin/3.3.0" ] || missing+=(libmaven-resources-plugin-java)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  else
    echo "gen-surefire-fixture: install ${missing[*]} (apt-get install ${missing[*]}) and rerun" >&2
    exit 1
  fi
fi

P="$WORK/calculator"
mkdir -p "$P/src/main/java/com/example" "$P/src/test/java/com/example"
cat > "$WORK/settings.xml" <<EOF
<settings>
  <localRepository>$WORK/m2</localRepository>
  <mirrors>
    <mirror><id>debian</id><mirrorOf>*</mirrorOf><url>file://$DEBIAN_REPO</url></mirror>
  </mirrors>
</settings>
EOF
cat > "$P/pom.xml" <<'EOF'
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.example</groupId>
  <artifactId>calculator</artifactId>
  <version>1.0</version>
  <properties>
    <maven.compiler.source>17</maven.compiler.source>
    <maven.compiler.target>17</maven.compiler.target>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <dependencies>
    <dependency>
      <groupId>org.junit.jupiter</groupId>
      <artifactId>junit-jupiter-api</artifactId>
      <version>5.9.2</version>
      <scope>test</scope>
    </dependency>
    <dependency>
      <groupId>org.junit.jupiter</groupId>
      <artifactId>junit-jupiter-engine</artifactId>
      <version>5.9.2</version>
      <scope>test</scope>
    </dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-resources-plugin</artifactId>
        <version>3.3.0</version>
      </plugin>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-compiler-plugin</artifactId>
        <version>3.10.1</version>
      </plugin>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-surefire-plugin</artifactId>
        <version>2.22.3</version>
        <configuration>
          <trimStackTrace>false</trimStackTrace>
        </configuration>
      </plugin>
    </plugins>
  </build>
</project>
EOF
cat > "$P/src/main/java/com/example/Calculator.java" <<'EOF'
package com.example;

public class Calculator {
    public int add(int a, int b) {
        return a + b;
    }

    public int divide(int a, int b) {
        return a / b;
    }
}
EOF
cat > "$P/src/test/java/com/example/CalculatorTest.java" <<'EOF'
package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

class CalculatorTest {
    private final Calculator calc = new Calculator();

    @Test
    void adds() {
        assertEquals(4, calc.add(2, 2));
    }

    @Test
    void addsWrongly() {
        assertEquals(5, calc.add(2, 2), "2 + 2");
    }

    @Test
    void dividesByZero() {
        assertEquals(0, calc.divide(1, 0));
    }

    @Test
    @Disabled("not yet")
    void later() {
        assertEquals(1, calc.add(0, 1));
    }
}
EOF

(cd "$P" && mvn -B -s "$WORK/settings.xml" test > "$WORK/mvn.log" 2>&1) || true
REPORT="$P/target/surefire-reports/TEST-com.example.CalculatorTest.xml"
if [ ! -f "$REPORT" ]; then
  cat "$WORK/mvn.log" >&2
  echo "gen-surefire-fixture: Maven wrote no report" >&2
  exit 1
fi

rm -rf "$FX"
mkdir -p "$FX/project/src/main/java/com/example" "$FX/project/src/test/java/com/example"
cp "$REPORT" "$FX/TEST-com.example.CalculatorTest.xml"
cp "$P/src/main/java/com/example/Calculator.java" "$FX/project/src/main/java/com/example/"
cp "$P/src/test/java/com/example/CalculatorTest.java" "$FX/project/src/test/java/com/example/"
{
  echo "# $(mvn -v 2>/dev/null | head -1 | sed 's/\x1b\[[0-9;]*m//g'), maven-surefire-plugin 2.22.3, JUnit 5.9.2: Surefire's console totals"
  grep -E '^\[(INFO|ERROR|WARNING)\] Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+$' "$WORK/mvn.log" | tail -1 | sed -E 's/^\[[A-Z]+\] //'
} > "$FX/surefire-totals.txt"
sed -i "s#$WORK#/tmp/fixture-work#g" "$FX/TEST-com.example.CalculatorTest.xml"

########################################################################################
# Reruns: JUnit 4 through the junit4 provider with rerunFailingTestsCount=2.
########################################################################################
R="$WORK/reruns"
RX="$ROOT/tests/fixtures/tests/surefire-reruns"
mkdir -p "$R/src/test/java/com/example"
cat > "$R/pom.xml" <<'EOF'
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.example</groupId>
  <artifactId>reruns</artifactId>
  <version>1.0</version>
  <properties>
    <maven.compiler.source>17</maven.compiler.source>
    <maven.compiler.target>17</maven.compiler.target>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <dependencies>
    <dependency>
      <groupId>junit</groupId>
      <artifactId>junit</artifactId>
      <version>4.x</version>
      <scope>test</scope>
    </dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-resources-plugin</artifactId>
        <version>3.3.0</version>
      </plugin>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-compiler-plugin</artifactId>
        <version>3.10.1</version>
      </plugin>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-surefire-plugin</artifactId>
        <version>2.22.3</version>
        <configuration>
          <trimStackTrace>false</trimStackTrace>
        </configuration>
      </plugin>
    </plugins>
  </build>
</project>
EOF
cat > "$R/src/test/java/com/example/NetworkTest.java" <<'EOF'
package com.example;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

public class NetworkTest {
    private static int attempts = 0;

    @Test
    public void connects() {
        assertTrue(true);
    }

    @Test
    public void retriesUntilTheServerAnswers() {
        attempts++;
        assertTrue("server not ready on attempt " + attempts, attempts > 1);
    }

    @Test
    public void alwaysTimesOut() {
        assertEquals("reply", "timeout");
    }
}
EOF
(cd "$R" && mvn -B -s "$WORK/settings.xml" -Dsurefire.rerunFailingTestsCount=2 test > "$WORK/mvn-reruns.log" 2>&1) || true
RR="$R/target/surefire-reports/TEST-com.example.NetworkTest.xml"
if [ ! -f "$RR" ] || ! grep -q flakyFailure "$RR"; then
  cat "$WORK/mvn-reruns.log" >&2
  echo "gen-surefire-fixture: Maven wrote no rerun report with <flakyFailure>" >&2
  exit 1
fi
rm -rf "$RX"
mkdir -p "$RX/project/src/test/java/com/example"
cp "$RR" "$RX/TEST-com.example.NetworkTest.xml"
cp "$R/src/test/java/com/example/NetworkTest.java" "$RX/project/src/test/java/com/example/"
{
  echo "# $(mvn -v 2>/dev/null | head -1 | sed 's/\x1b\[[0-9;]*m//g'), maven-surefire-plugin 2.22.3 (junit4 provider), JUnit 4, -Dsurefire.rerunFailingTestsCount=2: Surefire's console totals"
  grep -E '^\[(INFO|ERROR|WARNING)\] Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+, Flakes: [0-9]+$' "$WORK/mvn-reruns.log" | tail -1 | sed -E 's/^\[[A-Z]+\] //'
} > "$RX/surefire-totals.txt"
sed -i "s#$WORK#/tmp/fixture-work#g" "$RX/TEST-com.example.NetworkTest.xml"

echo "Surefire fixtures regenerated under $FX and $RX"
