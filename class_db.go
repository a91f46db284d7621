package main

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	_ "modernc.org/sqlite" // SQLite in pure Go: no cgo, nothing to install

	"somehow/class"
)

// openClasses opens (or makes) the SQLite file that keeps the classes, in WAL mode, and sweeps
// away expired classes every ten minutes.
func openClasses(path string) (*class.Store, func(), error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, nil, fmt.Errorf("the class database's folder: %w", err)
	}
	// WAL with synchronous NORMAL: a commit is in the operating system's hands before the phone
	// is answered, so a drawing acknowledged survives the server being killed (not a power cut,
	// which FULL would cost a disk flush a drawing to survive). busy_timeout lets writers queue.
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=busy_timeout(10000)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, nil, err
	}
	// One connection: SQLite takes one writer at a time, and writers waiting on its lock back off
	// in sleeps of milliseconds (a second or more under load); queued here they wait their turn
	// instead, and reads (tens of microseconds) queue with them.
	db.SetMaxOpenConns(1)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	store, err := class.Open(ctx, db, nil)
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(10 * time.Minute)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if err := store.Sweep(context.Background()); err != nil {
					log.Printf("sweeping expired classes: %v", err)
				}
			}
		}
	}()
	return store, func() { close(done); db.Close() }, nil
}

// lanLinks gives the origins phones on the same network can reach the server at: each of the
// machine's private (then other) non-loopback addresses, when it listens on all of them (`make
// class`). Listening on localhost, there are none: the page then says phones cannot join.
func lanLinks(addr net.Addr) func(*http.Request) []string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return func(*http.Request) []string { return nil }
	}
	port := strconv.Itoa(tcp.Port)
	return func(*http.Request) []string {
		ifaces, err := net.InterfaceAddrs()
		if err != nil {
			return nil
		}
		var ips []net.IP
		for _, a := range ifaces {
			n, ok := a.(*net.IPNet)
			if !ok || n.IP.IsLoopback() || n.IP.IsLinkLocalUnicast() || n.IP.To4() == nil {
				continue // link-local and IPv6 addresses are not typed into a phone
			}
			ips = append(ips, n.IP.To4())
		}
		sort.SliceStable(ips, func(i, j int) bool { return ips[i].IsPrivate() && !ips[j].IsPrivate() })
		var out []string
		for _, ip := range ips {
			out = append(out, "http://"+net.JoinHostPort(ip.String(), port))
		}
		return out
	}
}
