package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os/exec"
	"runtime"
	"time"

	"github.com/spf13/cobra"

	"github.com/atlas-release/atlas-release/internal/wsfs"
	"github.com/atlas-release/atlas-release/preview"
)

// ServeOptions are the inputs of `serve`.
type ServeOptions struct {
	F    *Factory
	Addr string
	// UnauthenticatedAddr binds beyond the loopback interface: anyone who
	// reaches it reads the unpublished releases.
	UnauthenticatedAddr string
	Open                bool
	Poll                time.Duration
	// ready, for tests, receives the address once the server listens.
	ready func(addr string)
}

// defaultServeAddr is loopback: the preview shows unpublished work to no one else.
const defaultServeAddr = "127.0.0.1:8080"

// NewCmdServe builds `serve`.
func NewCmdServe(f *Factory) *cobra.Command {
	opts := &ServeOptions{F: f}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Preview the workspace live while you edit it",
		Long: `Serve a live preview of the workspace on this machine: the releases by
quarter with their status, every validation problem (file:line:col, with a
link that opens it in VS Code), and for each release and locale the release
notes and the upgrade guide as the help center shows them, the changelog, the
runbook of any upgrade path (the bundle's runbook.html, byte for byte), its
plan, and the customers' upgrades when customers.yaml exists.

Every save re-validates and re-renders: open pages refresh themselves, and a
page whose input no longer validates shows the problems until the next good
save. The workspace's schemas, offering its own ids, are served under
/schemas/ for editors. serve writes nothing into the workspace or dist/.

The preview listens on the loopback interface only (--addr). To let other
machines in, give --unauthenticated-addr: there is no login, and anyone who
reaches the address reads the unpublished releases.`,
		Example: `  atlas-release serve --open
  atlas-release -C examples/atlas serve --addr 127.0.0.1:9000`,
		Args: rangeArgs(0, 0),
		RunE: func(cmd *cobra.Command, args []string) error {
			return serveRun(cmd.Context(), opts, cmd.Flags().Changed("addr"))
		},
	}
	cmd.Flags().StringVar(&opts.Addr, "addr", defaultServeAddr, "listen on this loopback `HOST:PORT`")
	cmd.Flags().StringVar(&opts.UnauthenticatedAddr, "unauthenticated-addr", "", "listen on this `HOST:PORT` of any interface, without authentication")
	cmd.Flags().BoolVar(&opts.Open, "open", false, "open the preview in the default browser")
	cmd.Flags().DurationVar(&opts.Poll, "poll", 2*time.Second, "also compare the workspace's files every `DURATION` (for file systems without change events)")
	return cmd
}

func serveRun(ctx context.Context, opts *ServeOptions, addrGiven bool) error {
	addr, anyHost := opts.Addr, false
	switch {
	case opts.UnauthenticatedAddr != "" && addrGiven:
		return usageErrorf("--addr and --unauthenticated-addr name two addresses; give one")
	case opts.UnauthenticatedAddr != "":
		addr, anyHost = opts.UnauthenticatedAddr, true
	default:
		if err := loopbackAddr(addr); err != nil {
			return usageErrorf("--addr %s: %v; to listen there without authentication, use --unauthenticated-addr", addr, err)
		}
	}
	if opts.Poll <= 0 {
		return usageErrorf("--poll must be positive")
	}
	root, err := opts.F.WorkspaceRoot()
	if err != nil {
		return err
	}
	srv, err := preview.New(preview.Options{
		Dir:       root,
		Open:      func() (fs.FS, error) { return wsfs.New(root) },
		Generator: opts.F.Generator(),
		Now:       opts.F.Now,
		Logf: func(format string, args ...any) {
			fmt.Fprintf(opts.F.IO.ErrOut, "%s %s\n", opts.F.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
		},
	})
	if err != nil {
		return err
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	url := "http://" + ln.Addr().String() + "/"
	fmt.Fprintf(opts.F.IO.Out, "Previewing %s at %s (Ctrl-C to stop)\n", root, url)
	if anyHost {
		fmt.Fprintf(opts.F.IO.ErrOut, "warning: the preview has no authentication; anyone who reaches %s reads it\n", ln.Addr())
	}
	if opts.ready != nil {
		opts.ready(ln.Addr().String())
	}
	if opts.Open {
		if err := openBrowser(url); err != nil {
			fmt.Fprintf(opts.F.IO.ErrOut, "could not open a browser (%v); open %s\n", err, url)
		}
	}
	hs := &http.Server{Handler: srv.Handler(anyHost), ReadHeaderTimeout: 10 * time.Second}
	watchDone := make(chan struct{})
	go func() {
		defer close(watchDone)
		srv.Watch(ctx, preview.WatchOptions{Poll: opts.Poll})
	}()
	serveDone := make(chan error, 1)
	go func() { serveDone <- hs.Serve(ln) }()
	select {
	case err := <-serveDone:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
	defer cancel()
	// Open event streams never end by themselves: close them after the grace.
	if err := hs.Shutdown(shutdown); err != nil {
		_ = hs.Close()
	}
	<-watchDone
	if err := <-serveDone; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// loopbackAddr accepts HOST:PORT whose host is localhost or a loopback IP.
func loopbackAddr(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return errors.New("not a loopback address")
}

// openBrowser opens url in the desktop's default browser.
func openBrowser(url string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", url)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	default:
		cmd = exec.Command("xdg-open", url)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go func() { _ = cmd.Wait() }()
	return nil
}
