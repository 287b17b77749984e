package httpserver

import (
	"net/http/pprof"

	"github.com/labstack/echo/v4"
)

// profiles serves net/http/pprof's endpoints: /debug/pprof/ lists the
// profiles, /debug/pprof/profile?seconds=N samples the CPU, /debug/pprof/heap
// (or any other named profile) writes that profile, and cmdline, symbol and
// trace do what pprof's tools expect of them.
func profiles(c echo.Context) error {
	w, r := c.Response(), c.Request()
	switch c.Param("*") {
	case "profile":
		pprof.Profile(w, r)
	case "trace":
		pprof.Trace(w, r)
	case "cmdline":
		pprof.Cmdline(w, r)
	case "symbol":
		pprof.Symbol(w, r)
	default:
		// Index serves the named profiles too, from the path's last element.
		pprof.Index(w, r)
	}
	return nil
}
