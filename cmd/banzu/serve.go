package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/banzu-bot/banzu/app"
	"github.com/banzu-bot/banzu/demo"
)

func serveCmd(ctx context.Context, args []string, stdout, stderr io.Writer, env []string) error {
	fs, c := newFlags("serve", stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	cfg, err := c.load(env)
	if err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	host, _ := os.Hostname()
	a, err := app.New(ctx, cfg, app.Options{Logger: log, Owner: fmt.Sprintf("%s-%d", host, os.Getpid())})
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.CheckListen(cfg.Listen); err != nil {
		return err
	}
	if c.demo {
		if err := demo.Seed(ctx, a.Store, a.Bot, a.DemoSeeders()); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("无法监听 %s（listen）: %w", cfg.Listen, err)
	}
	a.SetListenAddr(ln.Addr().String())
	srv := &http.Server{Handler: a.Handler(), ReadHeaderTimeout: 10 * time.Second}
	stop, err := a.Start(ctx)
	if err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("banzu started", "listen", "http://"+ln.Addr().String()+"/", "store", cfg.Store.Driver, "teams", len(cfg.Teams), "version", version)
	select {
	case <-ctx.Done():
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			stop()
			return err
		}
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdownCtx) // stop taking messages
	stop()                        // finish in-flight work, stop jobs and the outbox
	log.Info("stopped")
	return nil
}
