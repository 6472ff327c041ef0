#!/usr/bin/env bash
# Failover on one machine: a throwaway PostgreSQL cluster, nginx with deploy/nginx/steno.conf and two Steno nodes on
# loopback; a videobridge, Jigasi and two browsers stream through nginx; one node is killed with SIGKILL mid-meeting,
# then the other is stopped with SIGTERM (a drain). Needs the Debian packages postgresql and nginx.
# The last line printed: the recovery times and the committed lines lost/duplicated (0/0 when all is well).
# The nodes run the tone recogniser of the tests in place of Whisper (no weights needed); what is checked is where
# lines go across nodes, not what they say.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B verify -pl assembly -am -Dtest=FailoverTest -Dsurefire.failIfNoSpecifiedTests=false -Djacoco.skip=true \
  || { echo "failover test failed: see assembly/target/surefire-reports/dev.steno.cli.failover.FailoverTest.txt" >&2
       [ -f assembly/target/failover-details.txt ] && cat assembly/target/failover-details.txt >&2; exit 1; }
cat assembly/target/failover-report.txt
