#!/usr/bin/env bash
# Runs the benchmark suites outside Maven's test phase, with progress, a closing table and (--report) an HTML
# report with charts:
#   bench/run.sh [all|http|governor|ledger|executor|stress|quick] [--report] [--verbose] [--timeout SECONDS]
#                [--profile full|quick] [--baseline FILE] [--results DIR] [--no-assert]
# `all` and a single suite run the full profile unless --profile says otherwise; `quick` runs all 30 scaled down.
# Results: bench/target/bench-results/ (one JSON per case, summary.json, report.html).
# JAVA_OPTS (default -Xmx1g -XX:+UseParallelGC) sets the JVM that runs both the node and the load.
set -euo pipefail
cd "$(dirname "$0")/.."

# compile everything the suites need and write the test classpath (reactor modules resolve to their classes)
mvn -B -q ${MAVEN_ARGS:-} -pl bench -am -DskipTests test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
CP="bench/target/classes:bench/target/test-classes:$(cat bench/target/bench-classpath.txt)"
exec java ${JAVA_OPTS:--Xmx1g -XX:+UseParallelGC} -Djava.awt.headless=true -cp "$CP" \
  tai.autonomics.bench.BenchRunner "$@"
