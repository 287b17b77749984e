package httpserver_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"

	"github.com/food-ordering-system/infrastructure/httpserver"
)

// serve runs an admin server (for its /healthz) with cfg's limits on a free
// port of 127.0.0.1 until the test ends and returns its address.
func serve(t *testing.T, cfg httpserver.Config, routes func(e *echo.Echo)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	s := httpserver.NewAdmin(cfg, httpserver.AdminConfig{Address: addr}, zap.NewNop())
	if routes != nil {
		routes(s.Echo())
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		assert.NoError(t, <-done, "the server shuts down cleanly")
	})
	require.Eventually(t, func() bool {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil
	}, 5*time.Second, 10*time.Millisecond)
	return addr
}

func TestHeaderBlockOverTheLimitIs431(t *testing.T) {
	addr := serve(t, httpserver.Config{MaxHeaderBytes: "4K"}, nil)
	req, err := http.NewRequest(http.MethodGet, "http://"+addr+"/healthz", nil)
	require.NoError(t, err)
	req.Header.Set("X-Padding", strings.Repeat("x", 32<<10))

	resp, err := http.DefaultClient.Do(req)

	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusRequestHeaderFieldsTooLarge, resp.StatusCode)
	ok, err := http.Get("http://" + addr + "/healthz")
	require.NoError(t, err)
	ok.Body.Close()
	assert.Equal(t, http.StatusOK, ok.StatusCode, "a normal request still gets through")
}

// A client that starts a request and stops sending (slowloris) loses its
// connection once the read timeout passes, instead of holding it for ever.
func TestSlowClientIsDisconnectedAfterTheReadTimeout(t *testing.T) {
	addr := serve(t, httpserver.Config{ReadTimeout: 300 * time.Millisecond}, nil)
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn.Close()
	_, err = conn.Write([]byte("GET /healthz HTTP/1.1\r\nHost: x\r\n")) // and never the blank line
	require.NoError(t, err)
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(10*time.Second)))

	reply, err := io.ReadAll(bufio.NewReader(conn))

	var netErr net.Error
	if errors.As(err, &netErr) {
		require.False(t, netErr.Timeout(), "the server, not the test's 10 s deadline, must end the connection")
	}
	assert.NotContains(t, string(reply), "200 OK", "the half-sent request was never served")
}

// A client that sends a request and never reads the answer (a slow reader)
// cannot hold a handler for ever: once the write timeout passes, the
// handler's writes fail and it returns.
func TestSlowReaderIsCutOffByTheWriteTimeout(t *testing.T) {
	finished := make(chan error, 1)
	addr := serve(t, httpserver.Config{WriteTimeout: 300 * time.Millisecond}, func(e *echo.Echo) {
		e.GET("/large", func(c echo.Context) error {
			c.Response().WriteHeader(http.StatusOK)
			chunk := make([]byte, 1<<20)
			var err error
			for i := 0; i < 256 && err == nil; i++ { // 256 MiB: more than any socket buffer holds
				_, err = c.Response().Write(chunk)
			}
			finished <- err
			return nil
		})
	})
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn.Close()
	_, err = conn.Write([]byte("GET /large HTTP/1.1\r\nHost: x\r\n\r\n")) // and never reads

	require.NoError(t, err)
	select {
	case err := <-finished:
		assert.Error(t, err, "the handler's write failed at the write timeout")
	case <-time.After(20 * time.Second):
		t.Fatal("the handler is still writing to a client that does not read")
	}
}
