// Command load-receiver is the webhook receiver of scripts/load.sh: it answers every POST with
// 200 and counts it, and tells what it saw on GET /stats (POST /reset starts over).
// A delivery's latency is its receipt time minus the time in its event id (webhook-id:
// evt_<ULID>, made when the job finished), so it spans the queue, the signing and the POST.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/oklog/ulid/v2"
)

// stats of the deliveries received since the last reset.
type stats struct {
	mu        sync.Mutex
	count     int
	unsigned  int
	first     time.Time
	last      time.Time
	latencies []time.Duration
}

func (s *stats) record(r *http.Request, at time.Time) {
	var latency time.Duration = -1
	if id, err := ulid.Parse(strings.TrimPrefix(r.Header.Get("webhook-id"), "evt_")); err == nil {
		latency = at.Sub(ulid.Time(id.Time()))
	}
	signed := r.Header.Get("webhook-signature") != ""
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.count == 0 {
		s.first = at
	}
	s.count++
	s.last = at
	if !signed {
		s.unsigned++
	}
	if latency >= 0 {
		s.latencies = append(s.latencies, latency)
	}
}

// percentile of the sorted durations, in milliseconds (the value at the rank below p).
func percentile(sorted []time.Duration, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p / 100 * float64(len(sorted)-1))
	return float64(sorted[i].Microseconds()) / 1000
}

func (s *stats) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.count, s.unsigned, s.latencies = 0, 0, nil
}

// report is one line: "count=… unsigned=… span_s=… p50_ms=… p99_ms=… max_ms=…".
func (s *stats) report() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	sorted := append([]time.Duration(nil), s.latencies...)
	slices.Sort(sorted)
	return fmt.Sprintf("count=%d unsigned=%d span_s=%.3f p50_ms=%.1f p99_ms=%.1f max_ms=%.1f\n",
		s.count, s.unsigned, s.last.Sub(s.first).Seconds(),
		percentile(sorted, 50), percentile(sorted, 99), percentile(sorted, 100))
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	flag.Parse()
	s := &stats{}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /hook/", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		s.record(r, time.Now())
	})
	mux.HandleFunc("GET /stats", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, s.report())
	})
	mux.HandleFunc("POST /reset", func(w http.ResponseWriter, r *http.Request) {
		s.reset()
	})
	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("listening on http://%s\n", listener.Addr())
	log.Fatal(http.Serve(listener, mux))
}
