// Command ferretdb runs FerretDB v1 (the MongoDB wire protocol on PostgreSQL) for the local
// platform, built from the Go module proxy through FerretDB's embeddable package.
//
// The embeddable package starts no debug HTTP listener, keeps its process state in memory and
// disables telemetry itself: what `--debug-addr=-`, `--state-dir` and `--telemetry=disable`
// achieve for the upstream binary. Authentication is FerretDB v1's default: a client's PLAIN
// credentials become the PostgreSQL role FerretDB connects as, so the PostgreSQL URL carries
// no user or password.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listenAddr := flag.String("listen-addr", "127.0.0.1:27017", "listen TCP address")
	handler := flag.String("handler", "postgresql", "backend handler (this build has postgresql only)")
	postgresqlURL := flag.String("postgresql-url", "", "PostgreSQL URL without credentials")
	logLevel := flag.String("log-level", "info", "FerretDB's log level: debug, info, warn or error")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fail(err)
	}
	// FerretDB logs every connection at info and every failed command (even a driver's
	// routine `endSessions`) at warn; this command's own start and stop lines always show.
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	lifecycle := slog.New(slog.NewTextHandler(os.Stderr, nil))

	if *postgresqlURL == "" {
		fail(fmt.Errorf("--postgresql-url is required"))
	}

	server, err := ferretdb.New(&ferretdb.Config{
		Listener:      ferretdb.ListenerConfig{TCP: *listenAddr},
		Logger:        logger,
		Handler:       *handler,
		PostgreSQLURL: *postgresqlURL,
	})
	if err != nil {
		fail(err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	lifecycle.Info("FerretDB listening", slog.String("addr", *listenAddr), slog.String("handler", *handler))
	if err = server.Run(ctx); err != nil {
		fail(err)
	}
	lifecycle.Info("FerretDB stopped")
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "ferretdb:", err)
	os.Exit(1)
}
