// The load client of bench/echo.py: one Go program drives every server under
// test, so the client is none of the runtimes being compared.
//
//	go run echo_client.go -addr 127.0.0.1:PORT -conns 1000 -idle 100 -seconds 3
//
// It opens -idle connections that stay silent, then -conns busy ones, each a
// goroutine that writes a -size byte message and reads its echo back, over
// and over, for -seconds after a -warmup.  It prints "start" and "stop" around
// the measured seconds, then one JSON line: messages, errors, seconds, and the
// p50 and p99 round-trip latency in microseconds.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	addr := flag.String("addr", "", "host:port of the echo server")
	conns := flag.Int("conns", 100, "busy connections")
	idle := flag.Int("idle", 100, "idle connections")
	seconds := flag.Float64("seconds", 3, "measured duration")
	warmup := flag.Float64("warmup", 1, "unmeasured duration first")
	size := flag.Int("size", 64, "message size in bytes")
	flag.Parse()

	dial := func() (net.Conn, error) {
		var c net.Conn
		var err error
		for try := 0; try < 50; try++ { // a full accept queue refuses for a moment
			c, err = net.DialTimeout("tcp", *addr, 10*time.Second)
			if err == nil {
				return c, nil
			}
			time.Sleep(20 * time.Millisecond)
		}
		return nil, err
	}
	var idleConns []net.Conn
	for i := 0; i < *idle; i++ {
		c, err := dial()
		if err != nil {
			fmt.Fprintln(os.Stderr, "idle dial:", err)
			os.Exit(1)
		}
		idleConns = append(idleConns, c)
	}
	busy := make([]net.Conn, *conns)
	var wgDial sync.WaitGroup
	var dialErrors atomic.Int64
	sem := make(chan struct{}, 200) // at most 200 dials under way
	for i := range busy {
		wgDial.Add(1)
		go func(i int) {
			defer wgDial.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			c, err := dial()
			if err != nil {
				dialErrors.Add(1)
				return
			}
			busy[i] = c
		}(i)
	}
	wgDial.Wait()

	var measuring, stop atomic.Bool
	var msgs, errs atomic.Int64
	latencies := make([][]time.Duration, *conns)
	var wg sync.WaitGroup
	msg := make([]byte, *size)
	for i, c := range busy {
		if c == nil {
			continue
		}
		wg.Add(1)
		go func(i int, c net.Conn) {
			defer wg.Done()
			buf := make([]byte, *size)
			var mine []time.Duration
			for n := 0; !stop.Load(); n++ {
				start := time.Now()
				if _, err := c.Write(msg); err != nil {
					errs.Add(1)
					return
				}
				if _, err := io.ReadFull(c, buf); err != nil {
					errs.Add(1)
					return
				}
				if measuring.Load() {
					msgs.Add(1)
					if n%4 == 0 { // a sample of every connection's latencies
						mine = append(mine, time.Since(start))
					}
				}
			}
			latencies[i] = mine
		}(i, c)
	}
	time.Sleep(time.Duration(*warmup * float64(time.Second)))
	fmt.Println("start") // the runner reads the server's CPU time at these two lines
	measuring.Store(true)
	begin := time.Now()
	time.Sleep(time.Duration(*seconds * float64(time.Second)))
	measuring.Store(false)
	elapsed := time.Since(begin).Seconds()
	fmt.Println("stop")
	count := msgs.Load()
	stop.Store(true)
	wg.Wait()

	var all []time.Duration
	for _, l := range latencies {
		all = append(all, l...)
	}
	sort.Slice(all, func(a, b int) bool { return all[a] < all[b] })
	pct := func(p float64) float64 {
		if len(all) == 0 {
			return 0
		}
		return float64(all[int(p*float64(len(all)-1))].Microseconds())
	}
	json.NewEncoder(os.Stdout).Encode(map[string]any{
		"msgs": count, "errors": errs.Load() + dialErrors.Load(), "seconds": elapsed,
		"p50_us": pct(0.50), "p99_us": pct(0.99),
	})
	for _, c := range busy {
		if c != nil {
			c.Close()
		}
	}
	for _, c := range idleConns {
		c.Close()
	}
}
