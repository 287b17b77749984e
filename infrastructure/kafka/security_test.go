package kafka_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/testkit/kafkatest"
)

// writeCA writes a self-signed CA certificate in PEM to a file of the test's.
func writeCA(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "fos-test-ca"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600))
	return path
}

func TestSecurityConfigIsValidated(t *testing.T) {
	base := kafka.Config{Brokers: []string{"127.0.0.1:9092"}}
	for name, tc := range map[string]struct {
		change func(*kafka.Config)
		want   string
	}{
		"unknown mechanism":   {func(c *kafka.Config) { c.SASL = kafka.SASLConfig{Mechanism: "GSSAPI", User: "u", Password: "p"} }, "kafka.sasl.mechanism"},
		"mechanism, no user":  {func(c *kafka.Config) { c.SASL = kafka.SASLConfig{Mechanism: "SCRAM-SHA-512"} }, "needs a user and a password"},
		"certificate, no key": {func(c *kafka.Config) { c.TLS = kafka.TLSConfig{Enabled: true, CertFile: "c.pem"} }, "go together"},
	} {
		t.Run(name, func(t *testing.T) {
			cfg := base
			tc.change(&cfg)
			err := cfg.Validate()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	ok := base
	ok.TLS = kafka.TLSConfig{Enabled: true, CAFile: writeCA(t)}
	ok.SASL = kafka.SASLConfig{Mechanism: "SCRAM-SHA-256", User: "order_service", Password: "secret"}
	assert.NoError(t, ok.Validate())
}

// The local broker listens in plain text, so TLS and SASL cannot be
// exercised end to end here. What can be: a client with TLS on does speak TLS
// (the plain-text broker cannot answer it, and it does not fall back to plain
// text), a CA file that holds no certificate is refused, and a SASL client
// does begin its handshake (the broker, with no SASL listener, refuses it).
func TestTLSAndSASLAreUsedWhenConfigured(t *testing.T) {
	cfg := kafkatest.Config(t)
	cfg.DialTimeout = 2 * time.Second

	withTLS := cfg
	withTLS.TLS = kafka.TLSConfig{Enabled: true, CAFile: writeCA(t)}
	_, err := kafka.NewProducer(withTLS, zap.NewNop())
	assert.Error(t, err, "a TLS client gets no answer from a plain-text broker")

	badCA := cfg
	empty := filepath.Join(t.TempDir(), "empty.pem")
	require.NoError(t, os.WriteFile(empty, []byte("not a certificate"), 0o600))
	badCA.TLS = kafka.TLSConfig{Enabled: true, CAFile: empty}
	_, err = kafka.NewProducer(badCA, zap.NewNop())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "holds no PEM certificate")

	for _, mechanism := range []string{"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"} {
		withSASL := cfg
		withSASL.SASL = kafka.SASLConfig{Mechanism: mechanism, User: "order_service", Password: "secret"}
		_, err := kafka.NewProducer(withSASL, zap.NewNop())
		require.Error(t, err, "%s: a broker without SASL refuses the handshake", mechanism)
	}

	plain, err := kafka.NewProducer(cfg, zap.NewNop())
	require.NoError(t, err, "the same broker answers a plain-text client")
	require.NoError(t, plain.Close())
}
