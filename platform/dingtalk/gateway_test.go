package dingtalk

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// fakeGateway plays DingTalk's stream gateway: an open-connection route that
// hands out one-use tickets and a websocket route that accepts them.
type fakeGateway struct {
	t   *testing.T
	srv *httptest.Server

	mu      sync.Mutex
	opens   int             // connection requests seen
	tickets map[string]bool // issued and not used yet
	badOpen []error         // per open request: fail with this (nil: succeed)
	raw     []net.Conn      // hijacked TCP connections, for abrupt drops
	silent  bool            // accept but never read (pings go unanswered)
	reqBody map[string]any  // last open-connection request body
	conns   chan *gwConn
	stopped chan struct{} // closed when the test ends
}

// gwConn is one accepted websocket as the gateway sees it.
type gwConn struct {
	ws   *websocket.Conn
	acks chan ack      // what the client sent
	done chan struct{} // closed when the client side is gone
}

func newFakeGateway(t *testing.T) *fakeGateway {
	g := &fakeGateway{t: t, tickets: map[string]bool{}, conns: make(chan *gwConn, 16), stopped: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1.0/gateway/connections/open", g.open)
	mux.HandleFunc("GET /gateway", g.accept)
	g.srv = httptest.NewUnstartedServer(mux)
	g.srv.Config.ConnState = func(c net.Conn, s http.ConnState) {
		if s == http.StateHijacked {
			g.mu.Lock()
			g.raw = append(g.raw, c)
			g.mu.Unlock()
		}
	}
	g.srv.Start()
	return g
}

func (g *fakeGateway) open(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		http.Error(w, "bad json", http.StatusBadRequest)
		return
	}
	g.mu.Lock()
	g.opens++
	n := g.opens
	g.reqBody = body
	var fail error
	if len(g.badOpen) > 0 {
		fail, g.badOpen = g.badOpen[0], g.badOpen[1:]
	}
	ticket := fmt.Sprintf("tk+%d/=&x", n) // needs URL-escaping
	if fail == nil {
		g.tickets[ticket] = true
	}
	g.mu.Unlock()
	if fail != nil {
		http.Error(w, fail.Error(), http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]string{
		"endpoint": "ws://" + g.srv.Listener.Addr().String() + "/gateway",
		"ticket":   ticket,
	})
}

func (g *fakeGateway) accept(w http.ResponseWriter, r *http.Request) {
	ticket := r.URL.Query().Get("ticket")
	g.mu.Lock()
	ok := g.tickets[ticket]
	delete(g.tickets, ticket)
	silent := g.silent
	g.mu.Unlock()
	if !ok {
		http.Error(w, "bad ticket", http.StatusForbidden)
		return
	}
	ws, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	gc := &gwConn{ws: ws, acks: make(chan ack, 32), done: make(chan struct{})}
	g.conns <- gc
	defer close(gc.done)
	defer ws.CloseNow()
	if silent {
		<-g.stopped // never read: the client's pings go unanswered
		return
	}
	for {
		_, data, err := ws.Read(context.Background())
		if err != nil {
			return
		}
		var a ack
		if err := json.Unmarshal(data, &a); err != nil {
			g.t.Errorf("client sent a non-JSON frame: %q", data)
			continue
		}
		gc.acks <- a
	}
}

// nextConn waits for the next accepted websocket.
func (g *fakeGateway) next(t *testing.T) *gwConn {
	t.Helper()
	select {
	case gc := <-g.conns:
		return gc
	case <-time.After(5 * time.Second):
		t.Fatal("client did not connect")
		return nil
	}
}

// dropAll closes every hijacked TCP connection without a websocket close.
func (g *fakeGateway) dropAll() {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, c := range g.raw {
		_ = c.Close()
	}
	g.raw = nil
}

func (g *fakeGateway) openCount() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.opens
}

// send writes one frame to the client.
func (gc *gwConn) send(t *testing.T, typ, topic, id, data string) {
	t.Helper()
	f := map[string]any{
		"specVersion": "1.0",
		"type":        typ,
		"headers": map[string]any{
			"topic": topic, "messageId": id, "contentType": "application/json",
			"time": "1772443200000", "appId": "app",
		},
		"data": data,
	}
	b, _ := json.Marshal(f)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := gc.ws.Write(ctx, websocket.MessageText, b); err != nil {
		t.Fatalf("gateway write: %v", err)
	}
}

// ack waits for the client's next acknowledgement.
func (gc *gwConn) ack(t *testing.T) ack {
	t.Helper()
	select {
	case a := <-gc.acks:
		return a
	case <-time.After(5 * time.Second):
		t.Fatal("no ACK from client")
		return ack{}
	}
}

// closed waits until the connection is gone.
func (gc *gwConn) closed(t *testing.T) {
	t.Helper()
	select {
	case <-gc.done:
	case <-time.After(5 * time.Second):
		t.Fatal("client did not close the connection")
	}
}

func (g *fakeGateway) lastOpenBody() map[string]any {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.reqBody
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
