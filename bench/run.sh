#!/usr/bin/env bash
# Runs the benchmark suites outside Maven's test phase, with progress, a closing table and (--report) an HTML
# report with charts:
#   bench/run.sh [all|http|governor|ledger|executor|stress|quick] [--report] [--verbose] [--timeout SECONDS]
#                [--profile full|quick] [--baseline FILE] [--results DIR] [--no-assert] [--target URL]
# `all` and a single suite run the full profile unless --profile says otherwise; `quick` runs all 30 scaled down.
# Results: bench/target/bench-results/ (one JSON per case, summary.json, report.html).
# The http and stress suites start http/target/node.jar (built here) in a process of its own on a temporary data
# dir, and a bare pekko-http server beside it as their anchor; `--target http://host:port` loads a node already
# running instead (nothing started or stopped; cases that need the node's own JVM are skipped, saying why).
# JAVA_OPTS (default -Xmx1g -XX:+UseParallelGC) sets the harness's JVM (the load client and the in-JVM suites);
# -Dbench.server.java.opts=... in JAVA_OPTS the node's and the bare server's (default -Xms1g -Xmx1g
# -XX:+UseParallelGC); -Dbench.node=in-process runs the node in the harness's JVM as before.
set -euo pipefail
cd "$(dirname "$0")/.."

# build node.jar and everything the suites need, and write the test classpath (reactor modules resolve to their
# build output, nothing is installed in the local repository)
mvn -B -q ${MAVEN_ARGS:-} -pl bench -am -DskipTests package dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test \
  || { echo "run.sh: the build failed (see above)" >&2; exit 1; }
[ -f http/target/node.jar ] || { echo "run.sh: http/target/node.jar was not built" >&2; exit 1; }
CP="bench/target/classes:bench/target/test-classes:$(cat bench/target/bench-classpath.txt)"
exec java ${JAVA_OPTS:--Xmx1g -XX:+UseParallelGC} -Djava.awt.headless=true -cp "$CP" \
  tai.autonomics.bench.BenchRunner "$@"
