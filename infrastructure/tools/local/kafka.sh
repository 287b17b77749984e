#!/usr/bin/env bash
# Starts or stops a single-node Apache Kafka 4.x broker in KRaft mode for local
# runs and tests, with plain `java` (no Docker needed).
#
#   kafka.sh start|stop|status|reset|fetch
#   kafka.sh cluster start|stop|status|reset|kill N|start-node N
#
# The broker's jars come from Maven Central through `mvn` (kafka/pom.xml names
# the version) and are cached in $FOS_KAFKA_CACHE (default ~/.cache/food-ordering-system),
# so only the first start downloads anything. The broker listens on
# 127.0.0.1:9092 (KAFKA_PORT), its controller on 127.0.0.1:9093.
#
# `kafka.sh cluster ...` runs a second, separate Kafka on the same jars: three
# brokers (127.0.0.1:19092, 19093, 19094) and a controller (127.0.0.1:19090),
# replication factor 3 and min.insync.replicas 2, for the faults a single
# broker cannot show (a leader lost, too few in-sync replicas). `kill N`
# SIGKILLs broker N, `start-node N` starts it again. It never touches the
# single broker.
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

# ---- the three-broker cluster ----------------------------------------------
#
# Three brokers (node ids 1 to 3) and, apart from them, one KRaft controller
# (node id 100): four JVMs. Combined broker+controller nodes would make the
# brokers the quorum, so killing two of them would also stop the controller:
# nothing could then fence the dead brokers, move their leaderships or shrink
# the in-sync replica sets, and the survivor would time requests out instead
# of answering NOT_ENOUGH_REPLICAS, the fault the cluster is there to show.
# One controller rather than a quorum of three because on a small shared
# machine a three-voter quorum costs two more JVMs and, under load, loses its
# leader to fetch timeouts again and again; the brokers are what fails here.
# Broker N listens on 127.0.0.1:1909(1+N), the controller on 127.0.0.1:19090.
# Each broker gets a 512 MiB heap and the controller 256 MiB
# (KAFKA_CLUSTER_BROKER_HEAP, KAFKA_CLUSTER_CONTROLLER_HEAP), about 2.5 GiB
# resident in all; the JVMs use the serial collector and only the quick JIT
# compiler, so that four of them start and idle on two cores without starving
# each other. Everything lives in $DATA_DIR/kafka-cluster: per node its
# properties, log directory, log file and pid file.

CLUSTER_DIR="$DATA_DIR/kafka-cluster"
CLUSTER_BROKER_PORT="${KAFKA_CLUSTER_BROKER_PORT:-19092}"
CLUSTER_CONTROLLER_PORT="${KAFKA_CLUSTER_CONTROLLER_PORT:-19090}"
CLUSTER_BROKER_HEAP="${KAFKA_CLUSTER_BROKER_HEAP:-512m}"
CLUSTER_CONTROLLER_HEAP="${KAFKA_CLUSTER_CONTROLLER_HEAP:-256m}"
CLUSTER_BROKERS=(1 2 3)
# How long the controller waits for a broker's heartbeat before it fences
# the broker and moves its leaderships (Kafka's default is 9 s), and the
# brokers' and controller's request timeouts (2 s by default): on a machine
# whose two cores are saturated by builds, the defaults had the controller
# fence live brokers over and over, so they are raised. A SIGKILLed broker
# thus loses its leaderships about 15 s after its death.
CLUSTER_SESSION_TIMEOUT_MS="${KAFKA_CLUSTER_SESSION_TIMEOUT_MS:-15000}"

# Nodes are named controller (the controller) or broker-N.
node_port() {
	if [[ $1 == controller ]]; then echo "$CLUSTER_CONTROLLER_PORT"; else echo $((CLUSTER_BROKER_PORT + ${1#broker-} - 1)); fi
}
node_ready() { port_open 127.0.0.1 "$(node_port "$1")"; }
node_pidfile() { echo "$CLUSTER_DIR/$1.pid"; }
node_ready_or_dead() { node_ready "$1" || ! pid_alive "$(node_pidfile "$1")"; }

cluster_brokers() {
	local n brokers=()
	for n in "${CLUSTER_BROKERS[@]}"; do brokers+=("127.0.0.1:$(node_port "broker-$n")"); done
	(IFS=,; echo "${brokers[*]}")
}

# write_node_config NODE
write_node_config() {
	local node=$1 port; port="$(node_port "$1")"
	mkdir -p "$CLUSTER_DIR/$node"
	if [[ $node == controller ]]; then
		cat >"$CLUSTER_DIR/$node.properties" <<PROPS
process.roles=controller
node.id=100
controller.quorum.voters=100@127.0.0.1:$CLUSTER_CONTROLLER_PORT
listeners=CONTROLLER://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT
log.dirs=$CLUSTER_DIR/$node
# Kafka 4 writes the controller's min.insync.replicas into the metadata as
# the cluster-wide default when the cluster is formed, and that overrides
# the brokers' own setting: without this line every topic would take
# writes that a single replica holds. Do not change it on a running
# cluster: the records that change leaves behind made 4.1.1 brokers fail to
# replay the metadata after a restart (a NullPointerException in
# TopicsDelta.maybeReplayClearElrRecord for a deleted topic); reset instead.
min.insync.replicas=2
broker.session.timeout.ms=$CLUSTER_SESSION_TIMEOUT_MS
controller.quorum.request.timeout.ms=10000
controller.quorum.fetch.timeout.ms=10000
PROPS
		return
	fi
	cat >"$CLUSTER_DIR/$node.properties" <<PROPS
process.roles=broker
node.id=${node#broker-}
controller.quorum.voters=100@127.0.0.1:$CLUSTER_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$CLUSTER_DIR/$node
num.partitions=3
default.replication.factor=3
min.insync.replicas=2
offsets.topic.replication.factor=3
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
share.coordinator.state.topic.replication.factor=3
share.coordinator.state.topic.min.isr=2
unclean.leader.election.enable=false
controller.quorum.request.timeout.ms=10000
controller.quorum.fetch.timeout.ms=10000
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
log.retention.hours=24
PROPS
}

# format_node NODE: write the node's properties and format its storage if
# it is new.
format_node() {
	local node=$1
	write_node_config "$node"
	if [[ ! -f "$CLUSTER_DIR/$node/meta.properties" ]]; then
		java -cp "$CACHE/*" kafka.tools.StorageTool format -t "$(cat "$CLUSTER_DIR/cluster.id")" \
			-c "$CLUSTER_DIR/$node.properties" >>"$CLUSTER_DIR/$node.log" 2>&1 \
			|| die "formatting the storage of $node failed; see $CLUSTER_DIR/$node.log"
	fi
}

# launch_node NODE: format the node if it is new and start it in the
# background; node_wait waits for it.
launch_node() {
	local node=$1 cp="$CACHE/*" heap="$CLUSTER_BROKER_HEAP"
	local props="$CLUSTER_DIR/$node.properties" nlog="$CLUSTER_DIR/$node.log"
	[[ $node == controller ]] && heap="$CLUSTER_CONTROLLER_HEAP"
	format_node "$node"
	nohup java -Xms128m "-Xmx$heap" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
		-Dlog4j2.configurationFile="$LOCAL_DIR/kafka/log4j2.yaml" \
		-cp "$cp" kafka.Kafka "$props" >>"$nlog" 2>&1 </dev/null &
	echo $! >"$(node_pidfile "$node")"
}

# node_wait NODE: wait until the node answers on its port. The bound is
# generous: a JVM that starts in 15 s on an idle machine took six minutes
# when other builds kept two cores busy.
node_wait() {
	wait_until 300 "$1 on 127.0.0.1:$(node_port "$1")" node_ready_or_dead "$1" \
		|| die "$1 did not answer in 300s; see $CLUSTER_DIR/$1.log"
	pid_alive "$(node_pidfile "$1")" || die "$1 exited during start; see $CLUSTER_DIR/$1.log"
}

node_running() { pid_alive "$(node_pidfile "$1")" || node_ready "$1"; }

cluster_start() {
	require java "Install a Java 17+ runtime: apt-get install openjdk-17-jre-headless"
	fetch
	mkdir -p "$CLUSTER_DIR"
	if [[ ! -f "$CLUSTER_DIR/cluster.id" ]]; then
		java -cp "$CACHE/*" kafka.tools.StorageTool random-uuid >"$CLUSTER_DIR/cluster.id.tmp" 2>>"$CLUSTER_DIR/controller.log" \
			|| die "could not make a cluster id; see $CLUSTER_DIR/controller.log"
		mv "$CLUSTER_DIR/cluster.id.tmp" "$CLUSTER_DIR/cluster.id"
	fi
	# Formatting is a JVM start of its own per node: all at once.
	local node pid formats=()
	for node in controller broker-1 broker-2 broker-3; do
		if ! node_running "$node"; then
			format_node "$node" &
			formats+=($!)
		fi
	done
	for pid in "${formats[@]}"; do
		wait "$pid" || die "formatting the cluster's storage failed; see the logs in $CLUSTER_DIR"
	done
	# The controller first: a broker registers with it before it serves.
	if ! node_running controller; then
		launch_node controller
		node_wait controller
	fi
	local n started=()
	for n in "${CLUSTER_BROKERS[@]}"; do
		if ! node_running "broker-$n"; then
			launch_node "broker-$n"
			started+=("broker-$n")
		fi
	done
	for n in "${started[@]}"; do node_wait "$n"; done
	log "three-broker Kafka cluster $KAFKA_VERSION up: brokers $(cluster_brokers), controller 127.0.0.1:$CLUSTER_CONTROLLER_PORT (logs in $CLUSTER_DIR)"
}

# stop_nodes NODE...: SIGTERM each node, then wait up to 30 s for them all
# before SIGKILL.
stop_nodes() {
	local node pids=()
	for node in "$@"; do
		if pid_alive "$(node_pidfile "$node")"; then
			pids+=("$(cat "$(node_pidfile "$node")")")
			kill "${pids[-1]}" 2>/dev/null || true
		fi
		rm -f "$(node_pidfile "$node")"
	done
	local deadline=$((SECONDS + 30)) pid
	for pid in "${pids[@]}"; do
		while kill -0 "$pid" 2>/dev/null && (( SECONDS < deadline )); do sleep 0.2; done
		kill -9 "$pid" 2>/dev/null || true
	done
}

cluster_stop() {
	# The brokers first, so that each shuts down in order with the controller
	# still there to move its leaderships.
	stop_nodes broker-1 broker-2 broker-3
	stop_nodes controller
	log "three-broker Kafka cluster stopped"
}

cluster_status() {
	local node down=0 pidfile
	for node in controller broker-1 broker-2 broker-3; do
		pidfile="$(node_pidfile "$node")"
		if node_ready "$node"; then
			log "$node answers on 127.0.0.1:$(node_port "$node")$(pid_alive "$pidfile" && echo " (pid $(cat "$pidfile"))")"
		else
			log "$node is not running (127.0.0.1:$(node_port "$node"))"
			down=1
		fi
	done
	return "$down"
}

# broker_node ARG: the node of broker ARG (1, 2 or 3); anything else exits 2.
broker_node() {
	[[ ${1:-} =~ ^[123]$ ]] || { echo "usage: $0 cluster kill|start-node N (N is 1, 2 or 3)" >&2; exit 2; }
	echo "broker-$1"
}

# cluster_kill N: SIGKILL broker N, as a crash would, and wait until it is gone.
cluster_kill() {
	local node pidfile pid; node="$(broker_node "${1:-}")"; pidfile="$(node_pidfile "$node")"
	if ! pid_alive "$pidfile"; then
		log "$node was not running"
		return
	fi
	pid="$(cat "$pidfile")"
	kill -9 "$pid"
	local deadline=$((SECONDS + 10))
	while kill -0 "$pid" 2>/dev/null && (( SECONDS < deadline )); do sleep 0.1; done
	rm -f "$pidfile"
	log "$node (pid $pid) killed with SIGKILL"
}

# cluster_start_node N: start broker N again (after kill) and wait for it.
cluster_start_node() {
	local node; node="$(broker_node "${1:-}")"
	if node_running "$node"; then
		log "$node already runs"
		return
	fi
	[[ -f "$CLUSTER_DIR/cluster.id" ]] || die "no cluster to start $node in: run $0 cluster start first"
	launch_node "$node"
	node_wait "$node"
}

cluster() {
	case "${1:-}" in
		start) cluster_start ;;
		stop) cluster_stop ;;
		status) cluster_status ;;
		reset) cluster_stop; rm -rf "$CLUSTER_DIR"; log "three-broker Kafka cluster data removed" ;;
		kill) cluster_kill "${2:-}" ;;
		start-node) cluster_start_node "${2:-}" ;;
		*) echo "usage: $0 cluster start|stop|status|reset|kill N|start-node N" >&2; exit 2 ;;
	esac
}

case "${1:-}" in
	cluster) shift; cluster "$@" ;;
	start) start ;;
	stop) stop ;;
	status) status ;;
	fetch) fetch ;;
	reset) stop; rm -rf "$KDATA" "$DATA_DIR/kafka.properties"; log "local Kafka data removed" ;;
	*) echo "usage: $0 start|stop|status|reset|fetch|cluster ..." >&2; exit 2 ;;
esac
