package load

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/food-ordering-system/infrastructure/tools/e2e"
)

// maxProfile keeps a CPU profile under the services' HTTP write timeout
// (30s), past which net/http/pprof refuses it.
const maxProfile = 25 * time.Second

// profileServices writes a CPU profile of each service, taken over the next
// d (at most maxProfile), to dir/<service>.pprof, for `go tool pprof`. The
// services must serve /debug/pprof/ on their admin listeners
// (e2e.SystemConfig.Pprof).
func profileServices(ctx context.Context, s *e2e.System, dir string, d time.Duration) error {
	seconds := int(min(d, maxProfile).Seconds())
	if seconds < 1 {
		return fmt.Errorf("load: a steady window of %s is too short to profile", d)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	urls := map[string]string{"order-service": s.Client.OrderAdminURL, "payment-service": s.Client.PaymentAdminURL,
		"restaurant-service": s.Client.RestaurantAdminURL}
	var wg sync.WaitGroup
	errs := make(chan error, len(urls))
	for service, base := range urls {
		wg.Go(func() {
			if err := fetchProfile(ctx, fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", base, seconds),
				filepath.Join(dir, service+".pprof")); err != nil {
				errs <- fmt.Errorf("load: profile %s: %w", service, err)
			}
		})
	}
	wg.Wait()
	close(errs)
	return <-errs
}

func fetchProfile(ctx context.Context, url, path string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("%s: %s: %s", url, resp.Status, body)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}
