package dingtalktest

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
)

func (s *Server) fail(w http.ResponseWriter, status int, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	s.t.Errorf("dingtalktest: %s", msg)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"code": "invalidParameter", "message": msg})
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == PathGateway {
		s.accept(w, r)
		return
	}
	if r.Method != http.MethodPost {
		s.fail(w, http.StatusMethodNotAllowed, "%s %s: want POST", r.Method, r.URL.Path)
		return
	}
	c := Call{Path: r.URL.Path, Query: r.URL.Query(), Token: r.Header.Get("x-acs-dingtalk-access-token")}
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "application/json":
		if err := json.NewDecoder(r.Body).Decode(&c.Body); err != nil {
			s.fail(w, http.StatusBadRequest, "%s: body is not JSON: %v", c.Path, err)
			return
		}
	case "multipart/form-data":
		mr := multipart.NewReader(r.Body, params["boundary"])
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				s.fail(w, http.StatusBadRequest, "%s: bad multipart: %v", c.Path, err)
				return
			}
			data, _ := io.ReadAll(part)
			if part.FileName() != "" {
				c.Field, c.FileName, c.FileData = part.FormName(), part.FileName(), data
			} else if part.FormName() == "type" {
				c.Type = string(data)
			}
		}
	default:
		s.fail(w, http.StatusBadRequest, "%s: content type %q", c.Path, mt)
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch c.Path {
	case PathConnectionsOpen:
		if c.Body["clientId"] != s.ClientID || c.Body["clientSecret"] != s.ClientSecret {
			s.fail(w, http.StatusUnauthorized, "connections/open: credentials %v / %v", c.Body["clientId"], c.Body["clientSecret"])
			return
		}
		subs, _ := c.Body["subscriptions"].([]any)
		found := false
		s.topics = nil
		for _, sub := range subs {
			m, _ := sub.(map[string]any)
			found = found || (m["type"] == "CALLBACK" && m["topic"] == TopicBotMessage)
			if m["type"] == "CALLBACK" {
				topic, _ := m["topic"].(string)
				s.topics = append(s.topics, topic)
			}
		}
		if !found {
			s.fail(w, http.StatusBadRequest, "connections/open: no CALLBACK subscription to %s: %v", TopicBotMessage, c.Body["subscriptions"])
			return
		}
		s.opens++
		ticket := fmt.Sprintf("ticket+%d/=", s.opens) // needs escaping in the URL
		if s.plain {
			ticket = fmt.Sprintf("ticket-%d", s.opens)
		}
		s.tickets[ticket] = true
		_ = json.NewEncoder(w).Encode(map[string]string{
			"endpoint": "ws://" + s.srv.Listener.Addr().String() + PathGateway,
			"ticket":   ticket,
		})
	case PathAccessToken:
		if c.Body["appKey"] != s.ClientID || c.Body["appSecret"] != s.ClientSecret {
			s.fail(w, http.StatusBadRequest, "accessToken: appKey %v appSecret %v", c.Body["appKey"], c.Body["appSecret"])
			return
		}
		s.tokens++
		fmt.Fprintf(w, `{"accessToken":"fake-token-%d","expireIn":7200}`, s.tokens)
	case PathGroupSend, PathOtoSend:
		if !s.validToken(c.Token) {
			s.fail(w, http.StatusUnauthorized, "%s: access token %q", c.Path, c.Token)
			return
		}
		if c.Body["robotCode"] != s.RobotCode {
			s.fail(w, http.StatusBadRequest, "%s: robotCode %v", c.Path, c.Body["robotCode"])
			return
		}
		if c.Path == PathGroupSend {
			if id, _ := c.Body["openConversationId"].(string); id == "" {
				s.fail(w, http.StatusBadRequest, "groupMessages/send: no openConversationId")
				return
			}
		} else if ids, _ := c.Body["userIds"].([]any); len(ids) == 0 || len(ids) > 20 {
			s.fail(w, http.StatusBadRequest, "batchSend: userIds %v", c.Body["userIds"])
			return
		}
		if key, _ := c.Body["msgKey"].(string); key == "" {
			s.fail(w, http.StatusBadRequest, "%s: no msgKey", c.Path)
			return
		}
		param, ok := c.Body["msgParam"].(string)
		if !ok || json.Unmarshal([]byte(param), &c.Param) != nil {
			s.fail(w, http.StatusBadRequest, "%s: msgParam %v is not a JSON string", c.Path, c.Body["msgParam"])
			return
		}
		fmt.Fprint(w, `{"processQueryKey":"pqk"}`)
	case PathCardDeliver:
		if !s.validToken(c.Token) {
			s.fail(w, http.StatusUnauthorized, "%s: access token %q", c.Path, c.Token)
			return
		}
		if msg := checkCardDeliver(c.Body, s.RobotCode); msg != "" {
			s.fail(w, http.StatusBadRequest, "card/instances/createAndDeliver: %s", msg)
			return
		}
		fmt.Fprintf(w, `{"success":true,"result":{"outTrackId":%q,"deliverResults":[{"success":true}]}}`, c.Body["outTrackId"])
	case PathMediaUpload:
		if !s.validToken(c.Query.Get("access_token")) {
			s.fail(w, http.StatusOK, "media/upload: access_token %q", c.Query.Get("access_token"))
			return
		}
		if c.Query.Get("type") != "file" && c.Type != "file" {
			s.fail(w, http.StatusOK, "media/upload: type is not file")
			return
		}
		if c.Field != "media" || c.FileName == "" || len(c.FileData) == 0 {
			s.fail(w, http.StatusOK, "media/upload: field %q file %q of %d bytes", c.Field, c.FileName, len(c.FileData))
			return
		}
		s.media++
		fmt.Fprintf(w, `{"errcode":0,"errmsg":"ok","type":"file","media_id":"@media-%d","created_at":1772443200000}`, s.media)
	case PathSessionWebhook:
		mtype, _ := c.Body["msgtype"].(string)
		if obj, ok := c.Body[mtype].(map[string]any); !ok || (mtype != "text" && mtype != "markdown") || len(obj) == 0 {
			s.fail(w, http.StatusOK, "session webhook: body %v", c.Body)
			return
		}
		fmt.Fprint(w, `{"errcode":0,"errmsg":"ok"}`)
	default:
		s.fail(w, http.StatusNotFound, "unknown path %s", c.Path)
		return
	}
	s.calls = append(s.calls, c)
}

// checkCardDeliver checks a createAndDeliver body as DingTalk's card OpenAPI
// describes it and returns what is wrong, or "".
func checkCardDeliver(b map[string]any, robotCode string) string {
	str := func(m map[string]any, k string) string { v, _ := m[k].(string); return v }
	obj := func(m map[string]any, k string) map[string]any { v, _ := m[k].(map[string]any); return v }
	if str(b, "cardTemplateId") == "" || str(b, "outTrackId") == "" {
		return "cardTemplateId and outTrackId are required"
	}
	if str(b, "callbackType") != "STREAM" {
		return "callbackType is not STREAM: clicks would not come back over the stream"
	}
	params := obj(obj(b, "cardData"), "cardParamMap")
	if len(params) == 0 {
		return "no cardData.cardParamMap"
	}
	for k, v := range params {
		if _, ok := v.(string); !ok {
			return "cardParamMap." + k + " is not a string"
		}
	}
	space := str(b, "openSpaceId")
	switch {
	case len(space) > len("dtv1.card//IM_GROUP.") && space[:len("dtv1.card//IM_GROUP.")] == "dtv1.card//IM_GROUP.":
		if str(obj(b, "imGroupOpenDeliverModel"), "robotCode") != robotCode {
			return "imGroupOpenDeliverModel.robotCode is not the robot's"
		}
	case len(space) > len("dtv1.card//IM_ROBOT.") && space[:len("dtv1.card//IM_ROBOT.")] == "dtv1.card//IM_ROBOT.":
		m := obj(b, "imRobotOpenDeliverModel")
		if str(m, "robotCode") != robotCode || str(m, "spaceType") != "IM_ROBOT" {
			return "imRobotOpenDeliverModel needs spaceType IM_ROBOT and the robot's robotCode"
		}
	default:
		return "openSpaceId " + space + " is neither dtv1.card//IM_GROUP.<cid> nor dtv1.card//IM_ROBOT.<userId>"
	}
	return ""
}

// Topics returns the CALLBACK topics the client subscribed to in its last
// connections/open.
func (s *Server) Topics() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.topics...)
}

// validToken reports whether tok is a token the fake handed out.
func (s *Server) validToken(tok string) bool {
	var n int
	_, err := fmt.Sscanf(tok, "fake-token-%d", &n)
	return err == nil && n >= 1 && n <= s.tokens
}
