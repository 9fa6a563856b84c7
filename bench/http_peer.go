// The Go side of bench/http_client_bench.py and bench/http_server_bench.py,
// none of the runtimes under test:
//
//	http_peer -mode backend -delay 50ms   # the slow backend of the client workload
//	http_peer -mode hello                 # Go's net/http hello-world server, for comparison
//	http_peer -mode client -url URL -conc 1000 -rounds 5 -warmup 1
//
// The two servers listen on a free port of 127.0.0.1 and print "ready PORT".
// The backend answers every request after -delay with a short body and
// "Connection: close", so every GET of the client workload is a connection
// of its own whatever the client's pooling.  The client mode is Go's
// net/http client running the client workload (see bench/http_clients.py),
// printing the same JSON line as the Python clients.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
)

const body = "Hello, World!"

func main() {
	mode := flag.String("mode", "", "backend, hello or client")
	delay := flag.Duration("delay", 50*time.Millisecond, "backend: time to answer")
	url := flag.String("url", "", "client: the URL to GET")
	conc := flag.Int("conc", 1000, "client: concurrent GETs per round")
	rounds := flag.Int("rounds", 5, "client: measured rounds")
	warmup := flag.Int("warmup", 1, "client: unmeasured rounds first")
	flag.Parse()
	switch *mode {
	case "backend":
		serve(func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(*delay)
			w.Header().Set("Connection", "close")
			io.WriteString(w, body)
		})
	case "hello":
		serve(func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, body)
		})
	case "client":
		client(*url, *conc, *rounds, *warmup)
	default:
		fmt.Fprintln(os.Stderr, "-mode backend, hello or client")
		os.Exit(2)
	}
}

func serve(handler http.HandlerFunc) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("ready %d\n", ln.Addr().(*net.TCPAddr).Port)
	http.Serve(ln, handler)
}

func get(c *http.Client, url string) error {
	resp, err := c.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != 200 || !strings.HasPrefix(string(data), body) {
		return fmt.Errorf("bad response %d %q", resp.StatusCode, data)
	}
	return nil
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(syscall.TimevalToNsec(ru.Utime) + syscall.TimevalToNsec(ru.Stime)).Seconds()
}

func client(url string, conc, rounds, warmup int) {
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conc}}
	var latencies []time.Duration
	var mu sync.Mutex
	gets, errors := 0, 0
	var wall time.Duration
	var cpu float64
	for round := 0; round < warmup+rounds; round++ {
		measured := round >= warmup
		cpu0, begin := cpuSeconds(), time.Now()
		var wg sync.WaitGroup
		for i := 0; i < conc; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				start := time.Now()
				err := get(c, url)
				took := time.Since(start)
				if !measured {
					return
				}
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					errors++
					return
				}
				gets++
				latencies = append(latencies, took)
			}()
		}
		wg.Wait()
		if measured {
			wall += time.Since(begin)
			cpu += cpuSeconds() - cpu0
		}
	}
	sort.Slice(latencies, func(a, b int) bool { return latencies[a] < latencies[b] })
	pct := func(p float64) float64 {
		if len(latencies) == 0 {
			return 0
		}
		return float64(latencies[int(p*float64(len(latencies)-1))].Microseconds())
	}
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	json.NewEncoder(os.Stdout).Encode(map[string]any{
		"gets": gets, "errors": errors, "seconds": wall.Seconds(), "cpu_seconds": cpu,
		"p50_us": pct(0.50), "p99_us": pct(0.99), "rss_mb": float64(ru.Maxrss) / 1024,
	})
}
