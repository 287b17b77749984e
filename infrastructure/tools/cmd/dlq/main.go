// Command dlq lists the records parked on the dead-letter topics and replays
// chosen ones to the topic they came from.
//
//	dlq list                                  every record of every <topic>.dlq
//	dlq list payment-request.dlq              one dead-letter topic
//	dlq replay payment-request.dlq/0/12 ...   send these records back
//	dlq replay -all payment-request.dlq       send a whole topic's records back
//
// The broker is 127.0.0.1:9092 unless -brokers or FOS_KAFKA_BROKERS says
// otherwise.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/tools/dlq"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(args []string) error {
	flags := flag.NewFlagSet("dlq", flag.ContinueOnError)
	brokers := flags.String("brokers", envOr("FOS_KAFKA_BROKERS", "127.0.0.1:9092"), "comma-separated broker addresses")
	asJSON := flags.Bool("json", false, "list: print the records as JSON lines")
	all := flags.Bool("all", false, "replay: every record of the named dead-letter topics")
	if len(args) == 0 {
		return errors.New("usage: dlq [-brokers a:9092] list [topic.dlq ...] | replay [-all] ref|topic.dlq [ref|topic.dlq ...]")
	}
	command := args[0]
	if err := flags.Parse(args[1:]); err != nil {
		return err
	}
	cfg := kafka.Config{Brokers: strings.Split(*brokers, ","), ClientID: "fos-dlq", Version: kafka.DefaultVersion}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()

	switch command {
	case "list":
		topics := flags.Args()
		if len(topics) == 0 {
			var err error
			if topics, err = dlq.Topics(cfg); err != nil {
				return err
			}
		}
		letters, err := dlq.List(ctx, cfg, topics)
		if err != nil {
			return err
		}
		if *asJSON {
			enc := json.NewEncoder(os.Stdout)
			for _, d := range letters {
				if err := enc.Encode(d); err != nil {
					return err
				}
			}
			return nil
		}
		w := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "REF\tPARKED AT\tFROM\tMESSAGE ID\tKEY\tREASON")
		for _, d := range letters {
			reason := d.Reason()
			if d.Truncated() {
				reason = fmt.Sprintf("[TRUNCATED from %s bytes, cannot be replayed] %s", d.Headers[kafka.HeaderDeadLetterOriginalSize], reason)
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", d.Ref(), d.Timestamp.UTC().Format(time.RFC3339), d.Origin(),
				d.Headers[kafka.HeaderMessageID], d.Key, reason)
		}
		if err := w.Flush(); err != nil {
			return err
		}
		fmt.Printf("%d dead letter(s) on %d topic(s)\n", len(letters), len(topics))
		return nil
	case "replay":
		letters, err := chosen(ctx, cfg, flags.Args(), *all)
		if err != nil {
			return err
		}
		producer, err := kafka.NewProducer(cfg, zap.NewNop())
		if err != nil {
			return err
		}
		defer producer.Close()
		if err := dlq.Replay(ctx, producer, letters); err != nil {
			return err
		}
		for _, d := range letters {
			fmt.Printf("replayed %s to %s\n", d.Ref(), d.Headers[kafka.HeaderDeadLetterTopic])
		}
		return nil
	}
	return fmt.Errorf("unknown command %q: list or replay", command)
}

// chosen reads the named records (refs), or every record of the named
// topics with -all.
func chosen(ctx context.Context, cfg kafka.Config, args []string, all bool) ([]dlq.DeadLetter, error) {
	if len(args) == 0 {
		return nil, errors.New("replay: name records (topic.dlq/partition/offset) or, with -all, topics")
	}
	if all {
		return dlq.List(ctx, cfg, args)
	}
	var topics []string
	for _, ref := range args {
		topic, _, _, err := dlq.ParseRef(ref)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(topics, topic) {
			topics = append(topics, topic)
		}
	}
	letters, err := dlq.List(ctx, cfg, topics)
	if err != nil {
		return nil, err
	}
	return dlq.Select(letters, args)
}

func envOr(key, fallback string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return fallback
}
