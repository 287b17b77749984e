#!/usr/bin/env bash
# Starts or stops a single-node Apache Kafka 4.x broker in KRaft mode for local
# runs and tests, with plain `java` (no Docker needed).
#
#   kafka.sh start|stop|status|reset|fetch
#
# The broker's jars come from Maven Central through `mvn` (kafka/pom.xml names
# the version) and are cached in $FOS_KAFKA_CACHE (default ~/.cache/food-ordering-system),
# so only the first start downloads anything. The broker listens on
# 127.0.0.1:9092 (KAFKA_PORT), its controller on 127.0.0.1:9093.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KAFKA_PORT="${KAFKA_PORT:-9092}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
POM="$LOCAL_DIR/kafka/pom.xml"
KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$POM")"
CACHE="${FOS_KAFKA_CACHE:-${XDG_CACHE_HOME:-${HOME:-/var/tmp}/.cache}/food-ordering-system}/kafka-$KAFKA_VERSION"
KDATA="$DATA_DIR/kafka"
KLOG="$DATA_DIR/kafka.log"
PIDFILE="$DATA_DIR/kafka.pid"

ready() { port_open 127.0.0.1 "$KAFKA_PORT"; }

fetch() {
	if [[ -f "$CACHE/.complete" ]]; then
		return
	fi
	require java "Install a Java 17+ runtime: apt-get install openjdk-17-jre-headless"
	require mvn "Install Maven: apt-get install maven"
	log "fetching Apache Kafka $KAFKA_VERSION jars from Maven Central into $CACHE"
	rm -rf "$CACHE.tmp"
	mvn -B -q -f "$POM" dependency:copy-dependencies -DincludeScope=runtime \
		-DoutputDirectory="$CACHE.tmp" >"$DATA_DIR/kafka-fetch.log" 2>&1 \
		|| die "mvn could not fetch org.apache.kafka:kafka_2.13:$KAFKA_VERSION from Maven Central; see $DATA_DIR/kafka-fetch.log"
	touch "$CACHE.tmp/.complete"
	rm -rf "$CACHE"; mv "$CACHE.tmp" "$CACHE"
}

write_config() {
	mkdir -p "$KDATA"
	cat >"$DATA_DIR/kafka.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$KDATA
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
log.retention.hours=24
PROPS
}

start() {
	if ready; then
		log "Kafka already answers on 127.0.0.1:$KAFKA_PORT; reusing it"
		return
	fi
	require java "Install a Java 17+ runtime: apt-get install openjdk-17-jre-headless"
	fetch
	write_config
	local cp="$CACHE/*"
	if [[ ! -f "$KDATA/meta.properties" ]]; then
		log "formatting KRaft storage in $KDATA"
		local cluster_id
		cluster_id="$(java -cp "$cp" kafka.tools.StorageTool random-uuid 2>>"$KLOG")"
		java -cp "$cp" kafka.tools.StorageTool format -t "$cluster_id" -c "$DATA_DIR/kafka.properties" \
			>>"$KLOG" 2>&1 || die "formatting Kafka storage failed; see $KLOG"
	fi
	log "starting Apache Kafka $KAFKA_VERSION on 127.0.0.1:$KAFKA_PORT (log: $KLOG)"
	nohup java -Xms256m -Xmx768m -XX:+UseG1GC -Djava.awt.headless=true \
		-Dlog4j2.configurationFile="$LOCAL_DIR/kafka/log4j2.yaml" \
		-cp "$cp" kafka.Kafka "$DATA_DIR/kafka.properties" >>"$KLOG" 2>&1 </dev/null &
	echo $! >"$PIDFILE"
	wait_until 90 "Kafka on 127.0.0.1:$KAFKA_PORT" ready_or_dead \
		|| die "Kafka did not answer in 90s; see $KLOG"
	pid_alive "$PIDFILE" || die "Kafka exited during start; see $KLOG"
}

ready_or_dead() { ready || ! pid_alive "$PIDFILE"; }

stop() {
	if pid_alive "$PIDFILE"; then
		local pid; pid="$(cat "$PIDFILE")"
		kill "$pid"
		local deadline=$((SECONDS + 30))
		while kill -0 "$pid" 2>/dev/null && (( SECONDS < deadline )); do sleep 0.2; done
		kill -9 "$pid" 2>/dev/null || true
		log "Kafka stopped"
	else
		log "Kafka was not running"
	fi
	rm -f "$PIDFILE"
}

status() {
	if ready; then log "Kafka answers on 127.0.0.1:$KAFKA_PORT"; else log "Kafka is not running"; return 1; fi
}

case "${1:-}" in
	start) start ;;
	stop) stop ;;
	status) status ;;
	fetch) fetch ;;
	reset) stop; rm -rf "$KDATA" "$DATA_DIR/kafka.properties"; log "local Kafka data removed" ;;
	*) echo "usage: $0 start|stop|status|reset|fetch" >&2; exit 2 ;;
esac
