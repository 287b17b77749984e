// Package kafka is the Kafka adapter every service shares, on IBM/sarama: an
// idempotent producer that reports each message's result, a consumer-group
// runner with at-least-once handling, retries and a dead-letter topic, topic
// creation and a readiness check. The messages themselves are in the
// contract sub-package.
package kafka

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/IBM/sarama"
	"github.com/xdg-go/scram"
)

// DefaultVersion is the protocol version used when the config names none.
// Kafka 4 removed the protocol versions older clients negotiate by default,
// so sarama must be told it speaks to a 4.x broker.
const DefaultVersion = "4.0.0"

// Config is how a service reaches the broker.
type Config struct {
	Brokers  []string `mapstructure:"brokers"`
	ClientID string   `mapstructure:"client_id"`
	// Version is the broker's Kafka version, e.g. "4.1.1".
	Version string `mapstructure:"version"`
	// DialTimeout bounds connecting to a broker (default 5s).
	DialTimeout time.Duration `mapstructure:"dial_timeout"`
	// TLS encrypts the connections to the brokers (off by default: the
	// local broker listens in plain text).
	TLS TLSConfig `mapstructure:"tls"`
	// SASL authenticates the client to the brokers (off by default).
	SASL SASLConfig `mapstructure:"sasl"`
}

// TLSConfig turns TLS to the brokers on.
type TLSConfig struct {
	Enabled bool `mapstructure:"enabled"`
	// CAFile is a PEM bundle of the authorities the brokers' certificates
	// chain to; empty trusts the system's roots.
	CAFile string `mapstructure:"ca_file"`
	// CertFile and KeyFile are the client's certificate and key, for brokers
	// that ask for one (mutual TLS); both or neither.
	CertFile string `mapstructure:"cert_file"`
	KeyFile  string `mapstructure:"key_file"`
	// ServerName overrides the name checked in the brokers' certificates.
	ServerName string `mapstructure:"server_name"`
}

// SASLConfig authenticates the client with a user name and password.
type SASLConfig struct {
	// Mechanism is PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512; empty turns SASL
	// off. PLAIN sends the password as it is: use it only over TLS.
	Mechanism string `mapstructure:"mechanism"`
	User      string `mapstructure:"user"`
	Password  string `mapstructure:"password"`
}

var saslMechanisms = []string{sarama.SASLTypePlaintext, sarama.SASLTypeSCRAMSHA256, sarama.SASLTypeSCRAMSHA512}

// Validate reports a configuration that cannot work.
func (c Config) Validate() error {
	var errs []error
	if len(c.Brokers) == 0 {
		errs = append(errs, errors.New("kafka.brokers is empty"))
	}
	if c.Version != "" {
		v, err := sarama.ParseKafkaVersion(c.Version)
		if err != nil {
			errs = append(errs, fmt.Errorf("kafka.version: %w", err))
		} else if !v.IsAtLeast(sarama.V4_0_0_0) {
			errs = append(errs, fmt.Errorf("kafka.version %s: the system runs on Kafka 4.x", c.Version))
		}
	}
	if (c.TLS.CertFile == "") != (c.TLS.KeyFile == "") {
		errs = append(errs, errors.New("kafka.tls.cert_file and kafka.tls.key_file go together"))
	}
	if c.SASL.Mechanism != "" {
		if !slices.Contains(saslMechanisms, c.SASL.Mechanism) {
			errs = append(errs, fmt.Errorf("kafka.sasl.mechanism %q: one of %v", c.SASL.Mechanism, saslMechanisms))
		}
		if c.SASL.User == "" || c.SASL.Password == "" {
			errs = append(errs, errors.New("kafka.sasl needs a user and a password"))
		}
	}
	return errors.Join(errs...)
}

// sarama returns the sarama settings shared by producers, consumers and the
// admin client.
func (c Config) sarama() (*sarama.Config, error) {
	version := c.Version
	if version == "" {
		version = DefaultVersion
	}
	v, err := sarama.ParseKafkaVersion(version)
	if err != nil {
		return nil, fmt.Errorf("kafka version %q: %w", version, err)
	}
	sc := sarama.NewConfig()
	sc.Version = v
	if c.ClientID != "" {
		sc.ClientID = c.ClientID
	}
	dial := c.DialTimeout
	if dial <= 0 {
		dial = 5 * time.Second
	}
	sc.Net.DialTimeout = dial
	sc.Metadata.Retry.Max = 5
	sc.Metadata.Retry.Backoff = 200 * time.Millisecond
	if c.TLS.Enabled {
		tlsConfig, err := c.TLS.config()
		if err != nil {
			return nil, err
		}
		sc.Net.TLS.Enable, sc.Net.TLS.Config = true, tlsConfig
	}
	if c.SASL.Mechanism != "" {
		sc.Net.SASL.Enable = true
		sc.Net.SASL.Handshake = true
		sc.Net.SASL.Mechanism = sarama.SASLMechanism(c.SASL.Mechanism)
		sc.Net.SASL.User, sc.Net.SASL.Password = c.SASL.User, c.SASL.Password
		switch c.SASL.Mechanism {
		case sarama.SASLTypeSCRAMSHA256:
			sc.Net.SASL.SCRAMClientGeneratorFunc = func() sarama.SCRAMClient { return &scramClient{hash: scram.SHA256} }
		case sarama.SASLTypeSCRAMSHA512:
			sc.Net.SASL.SCRAMClientGeneratorFunc = func() sarama.SCRAMClient { return &scramClient{hash: scram.SHA512} }
		}
	}
	return sc, nil
}

// config builds the TLS settings, reading the files it names.
func (t TLSConfig) config() (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: t.ServerName}
	if t.CAFile != "" {
		pem, err := os.ReadFile(t.CAFile)
		if err != nil {
			return nil, fmt.Errorf("kafka.tls.ca_file: %w", err)
		}
		tc.RootCAs = x509.NewCertPool()
		if !tc.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("kafka.tls.ca_file %s holds no PEM certificate", t.CAFile)
		}
	}
	if t.CertFile != "" {
		pair, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("kafka.tls client certificate: %w", err)
		}
		tc.Certificates = []tls.Certificate{pair}
	}
	return tc, nil
}

// scramClient runs one SCRAM conversation for sarama with xdg-go/scram.
type scramClient struct {
	hash         scram.HashGeneratorFcn
	conversation *scram.ClientConversation
}

func (s *scramClient) Begin(user, password, authzID string) error {
	client, err := s.hash.NewClient(user, password, authzID)
	if err != nil {
		return fmt.Errorf("kafka sasl scram: %w", err)
	}
	s.conversation = client.NewConversation()
	return nil
}

func (s *scramClient) Step(challenge string) (string, error) { return s.conversation.Step(challenge) }

func (s *scramClient) Done() bool { return s.conversation.Done() }
