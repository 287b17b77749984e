package httpserver_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/food-ordering-system/common/kernel"
	"github.com/food-ordering-system/infrastructure/httpserver"
)

const tooLargeBody = `{"code":"too_large","message":"Request Entity Too Large"}`

// limitServer is a real HTTP server with a 64K body limit, an endpoint that
// reads its body, and the request log kept for inspection.
type limitServer struct {
	url     string
	addr    string
	logs    *observer.ObservedLogs
	reached chan struct{}
}

func newLimitServer(t *testing.T, cfg httpserver.Config) *limitServer {
	t.Helper()
	core, logs := observer.New(zap.DebugLevel)
	cfg.Address = "127.0.0.1:0"
	if cfg.BodyLimit == "" {
		cfg.BodyLimit = "64K"
	}
	s := httpserver.New(cfg, zap.New(core))
	ls := &limitServer{logs: logs, reached: make(chan struct{}, 100)}
	s.Echo().POST("/orders", func(c echo.Context) error {
		ls.reached <- struct{}{}
		if _, err := io.Copy(io.Discard, c.Request().Body); err != nil {
			return err
		}
		return c.JSON(http.StatusCreated, map[string]string{"status": "created"})
	})
	srv := httptest.NewUnstartedServer(s.Handler())
	srv.Listener = smallBuffers{srv.Listener}
	srv.Start()
	t.Cleanup(srv.Close)
	ls.url = srv.URL
	ls.addr = srv.Listener.Addr().String()
	return ls
}

// bufferSize is the socket buffer of both ends. On loopback the kernel would
// otherwise buffer megabytes, and a client could finish writing a body the
// server never reads; over a real network it cannot get that far ahead.
const bufferSize = 128 << 10

// smallBuffers is a listener whose connections buffer little, like a
// network between client and server.
type smallBuffers struct{ net.Listener }

func (l smallBuffers) Accept() (net.Conn, error) {
	conn, err := l.Listener.Accept()
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetReadBuffer(bufferSize)
	}
	return conn, err
}

// dial opens a client connection that buffers little.
func dial(ctx context.Context, network, addr string) (net.Conn, error) {
	conn, err := (&net.Dialer{}).DialContext(ctx, network, addr)
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetWriteBuffer(bufferSize)
	}
	return conn, err
}

// statuses returns the statuses the request log recorded, in order.
func (s *limitServer) statuses() []int64 {
	var out []int64
	for _, e := range s.logs.FilterMessage("http request").All() {
		out = append(out, e.ContextMap()["status"].(int64))
	}
	return out
}

// rawAnswer is what rawExchange read back: the response is closed by then.
type rawAnswer struct {
	StatusCode int
	Close      bool // the server announced it closes the connection
}

// rawExchange sends head and then body on a new connection, writing all of it
// before reading anything (as Python's urllib does), and returns the answer.
func rawExchange(t *testing.T, addr, head string, body []byte) (rawAnswer, []byte) {
	t.Helper()
	conn, err := dial(context.Background(), "tcp", addr)
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(30*time.Second)))
	_, err = io.WriteString(conn, head)
	require.NoError(t, err)
	_, err = conn.Write(body)
	require.NoError(t, err, "the server reads the whole body instead of resetting the connection")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return rawAnswer{StatusCode: resp.StatusCode, Close: resp.Close}, b
}

func TestOversizedBodyIsAnswered413ToAClientThatWritesEverythingFirst(t *testing.T) {
	s := newLimitServer(t, httpserver.Config{})
	body := bytes.Repeat([]byte("x"), 2<<20)
	head := fmt.Sprintf("POST /orders HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", s.addr, len(body))

	const tries = 5
	for i := range tries {
		resp, got := rawExchange(t, s.addr, head, body)
		assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode, "try %d", i)
		assert.JSONEq(t, tooLargeBody, string(got), "try %d", i)
	}

	require.Eventually(t, func() bool { return len(s.statuses()) == tries }, 5*time.Second, 10*time.Millisecond)
	for _, status := range s.statuses() {
		assert.EqualValues(t, http.StatusRequestEntityTooLarge, status, "the request log records the 413")
	}
	assert.Empty(t, s.reached, "the handler never sees an oversized body")
}

func TestOversizedChunkedBodyIsAnswered413(t *testing.T) {
	s := newLimitServer(t, httpserver.Config{})
	var chunked bytes.Buffer
	chunk := bytes.Repeat([]byte("x"), 32<<10)
	for range 64 { // 2 MiB in 32 KiB chunks
		fmt.Fprintf(&chunked, "%x\r\n%s\r\n", len(chunk), chunk)
	}
	chunked.WriteString("0\r\n\r\n")
	head := fmt.Sprintf("POST /orders HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n", s.addr)

	resp, got := rawExchange(t, s.addr, head, chunked.Bytes())

	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
	assert.JSONEq(t, tooLargeBody, string(got))
	require.Eventually(t, func() bool { return len(s.statuses()) == 1 }, 5*time.Second, 10*time.Millisecond)
	assert.Equal(t, []int64{http.StatusRequestEntityTooLarge}, s.statuses())
}

func TestOversizedBodyFromGoHTTPClientIsAnswered413(t *testing.T) {
	s := newLimitServer(t, httpserver.Config{})
	body := bytes.Repeat([]byte("x"), 2<<20)
	client := &http.Client{Transport: &http.Transport{DialContext: dial}}
	t.Cleanup(client.CloseIdleConnections)

	for i := range 3 {
		resp, err := client.Post(s.url+"/orders", "application/json", bytes.NewReader(body))
		require.NoError(t, err, "try %d", i)
		got, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode, "try %d", i)
		assert.JSONEq(t, tooLargeBody, string(got))
	}

	// A body within the limit still reaches the handler on the same server.
	resp, err := client.Post(s.url+"/orders", "application/json", strings.NewReader(`{"a":1}`))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
}

func TestOversizedBodyAnnouncedWithExpectContinueIsRefusedUnread(t *testing.T) {
	s := newLimitServer(t, httpserver.Config{})
	head := fmt.Sprintf("POST /orders HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n", s.addr, 2<<20)

	// The client sends no body until it is told to continue: a 413 must come
	// without the server waiting for one.
	resp, got := rawExchange(t, s.addr, head, nil)

	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
	assert.JSONEq(t, tooLargeBody, string(got))
}

func TestBodyBeyondTheDiscardLimitIsRefusedAtOnce(t *testing.T) {
	s := newLimitServer(t, httpserver.Config{BodyDiscardLimit: "1M"})
	head := fmt.Sprintf("POST /orders HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", s.addr, 1<<30)

	// Only the head is sent: a server that tried to read the announced 1 GiB
	// would never answer.
	resp, got := rawExchange(t, s.addr, head, nil)

	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
	assert.JSONEq(t, tooLargeBody, string(got))
	assert.True(t, resp.Close, "the connection is closed rather than read to the end")
}

func TestBodyLimitsAreValidated(t *testing.T) {
	assert.NoError(t, httpserver.Config{Address: ":8181", BodyLimit: "64K", BodyDiscardLimit: "8M"}.Validate())
	assert.ErrorContains(t, httpserver.Config{Address: ":8181", BodyLimit: "lots"}.Validate(), "http.body_limit")
	assert.ErrorContains(t, httpserver.Config{Address: ":8181", BodyDiscardLimit: "-1M"}.Validate(), "http.body_discard_limit")
}

func TestClientCancelledRequestIsNotLoggedAsAServerError(t *testing.T) {
	core, logs := observer.New(zap.DebugLevel)
	s := httpserver.New(httpserver.Config{Address: "127.0.0.1:0"}, zap.New(core))
	started := make(chan struct{})
	s.Echo().GET("/slow", func(c echo.Context) error {
		close(started)
		<-c.Request().Context().Done()
		// What a repository returns when its query is cancelled.
		return kernel.WrapError(kernel.ECodeUnavailable, c.Request().Context().Err(), "find order: database unavailable")
	})
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)

	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/slow", nil)
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	<-started
	cancel()
	assert.ErrorIs(t, <-done, context.Canceled)

	require.Eventually(t, func() bool { return logs.FilterMessage("http request").Len() == 1 }, 5*time.Second, 10*time.Millisecond)
	entry := logs.FilterMessage("http request").All()[0]
	assert.EqualValues(t, httpserver.StatusClientClosedRequest, entry.ContextMap()["status"], "logged as 499, not 500 or 503")
	assert.Less(t, entry.Level, zapcore.ErrorLevel)
	assert.Zero(t, logs.FilterLevelExact(zapcore.ErrorLevel).Len(), "nothing is logged at ERROR: %v", logs.All())
}

func TestRequestLogRecordsEveryAnswer(t *testing.T) {
	core, logs := observer.New(zap.InfoLevel)
	s := httpserver.New(httpserver.Config{Address: ":0", BodyLimit: "1K"}, zap.New(core))
	s.Echo().POST("/echo", func(c echo.Context) error {
		var v map[string]any
		if err := json.NewDecoder(c.Request().Body).Decode(&v); err != nil {
			return err
		}
		return c.JSON(http.StatusOK, v)
	})
	s.Echo().GET("/panic", func(echo.Context) error { panic("nil map") })
	s.Echo().GET("/boom", func(echo.Context) error { return errors.New("pq: relation orders does not exist") })

	assert.Equal(t, http.StatusRequestEntityTooLarge, do(t, s.Handler(), "POST", "/echo", strings.Repeat("x", 2048)).Code)
	assert.Equal(t, http.StatusInternalServerError, do(t, s.Handler(), "GET", "/panic", "").Code)
	assert.Equal(t, http.StatusInternalServerError, do(t, s.Handler(), "GET", "/boom", "").Code)

	var statuses []int64
	for _, e := range logs.FilterMessage("http request").All() {
		statuses = append(statuses, e.ContextMap()["status"].(int64))
	}
	assert.Equal(t, []int64{413, 500, 500}, statuses)
	failed := logs.FilterMessage("request failed").All()
	require.Len(t, failed, 2, "both 500s are logged at ERROR")
	assert.Contains(t, failed[1].ContextMap()["error"], "relation orders", "the log keeps what the client was not shown")
}
