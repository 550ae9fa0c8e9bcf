package dingtalk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/banzu-bot/banzu/bot"
)

const (
	pathGroupSend = "/v1.0/robot/groupMessages/send"
	pathOtoSend   = "/v1.0/robot/oToMessages/batchSend"
	// maxOtoUsers is batchSend's limit on userIds per call.
	maxOtoUsers = 20
)

// msgKeys of the robot OpenAPI (seen in several codebases; no official table).
const (
	keyText     = "sampleText"
	keyMarkdown = "sampleMarkdown"
	keyFile     = "sampleFile"
)

// robotMessage is one OpenAPI message: a msgKey and its parameters.
type robotMessage struct {
	key   string
	param any
}

// robotMessages turns rendered content into OpenAPI messages, one per part.
// The OpenAPI has no at object: mentions stay as "@staffId" text, which
// DingTalk may show without notifying the person.
func robotMessages(c content) []robotMessage {
	out := make([]robotMessage, len(c.parts))
	for i, part := range c.parts {
		if c.markdown {
			out[i] = robotMessage{keyMarkdown, map[string]string{"title": c.partTitle(i), "text": part}}
		} else {
			out[i] = robotMessage{keyText, map[string]string{"content": part}}
		}
	}
	return out
}

// encodeParam makes the msgParam JSON string (HTML escaping off, so the size
// matches what render measured) and checks DingTalk's size limit.
func encodeParam(param any) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(param); err != nil {
		return "", err
	}
	s := strings.TrimSuffix(b.String(), "\n")
	if len(s) > maxMsgParamBytes {
		return "", fmt.Errorf("msgParam is %d bytes, over DingTalk's %d", len(s), maxMsgParamBytes)
	}
	return s, nil
}

// robotBody completes the body of a robot message call to the recipients in
// to: the robot code, the message key and the encoded msgParam. A message
// over DingTalk's size limit is a permanent error.
func (p *Platform) robotBody(m robotMessage, to map[string]any) (map[string]any, error) {
	param, err := encodeParam(m.param)
	if err != nil {
		return nil, &bot.PermanentError{Err: err}
	}
	to["robotCode"] = p.cfg.RobotCode
	to["msgKey"] = m.key
	to["msgParam"] = param
	return to, nil
}

// sendGroup posts messages, in order, into a group through groupMessages/send.
func (p *Platform) sendGroup(ctx context.Context, openConversationID string, msgs []robotMessage) error {
	for _, m := range msgs {
		body, err := p.robotBody(m, map[string]any{"openConversationId": openConversationID})
		if err != nil {
			return err
		}
		if _, err := p.postRobot(ctx, "groupMessages/send", pathGroupSend, body); err != nil {
			return err
		}
	}
	return nil
}

// sendUsers sends messages, in order, to users one-to-one through
// oToMessages/batchSend. A user DingTalk flow-controls makes it retryable; a
// user it does not know makes it permanent.
func (p *Platform) sendUsers(ctx context.Context, userIDs []string, msgs []robotMessage) error {
	if len(userIDs) == 0 || len(userIDs) > maxOtoUsers {
		return &bot.PermanentError{Err: fmt.Errorf("dingtalk: batchSend takes 1 to %d users, got %d", maxOtoUsers, len(userIDs))}
	}
	for _, m := range msgs {
		body, err := p.robotBody(m, map[string]any{"userIds": userIDs})
		if err != nil {
			return err
		}
		respBody, err := p.postRobot(ctx, "oToMessages/batchSend", pathOtoSend, body)
		if err != nil {
			return err
		}
		var out struct {
			Invalid       []string `json:"invalidStaffIdList"`
			FlowControled []string `json:"flowControlledStaffIdList"`
		}
		_ = json.Unmarshal(respBody, &out)
		if len(out.Invalid) > 0 {
			return &bot.PermanentError{Err: fmt.Errorf("dingtalk: unknown user ids %v", out.Invalid)}
		}
		if len(out.FlowControled) > 0 {
			return &bot.RetryError{Err: fmt.Errorf("dingtalk: flow-controlled user ids %v", out.FlowControled)}
		}
	}
	return nil
}

// postRobot POSTs one robot OpenAPI call with the access token and returns
// the response body; errors come back classified as bot errors.
func (p *Platform) postRobot(ctx context.Context, op, path string, body any) ([]byte, error) {
	if p.cfg.RobotCode == "" {
		return nil, &bot.PermanentError{Err: errors.New("dingtalk: robot_code is not configured")}
	}
	payload, err := json.Marshal(body)
	if err != nil {
		return nil, &bot.PermanentError{Err: err}
	}
	var respBody []byte
	err = p.withToken(ctx, func(token string) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.cfg.APIBase+path, bytes.NewReader(payload))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("x-acs-dingtalk-access-token", token)
		resp, b, err := p.doHTTP(op, req)
		if err != nil {
			return err
		}
		respBody = b
		return checkV1(op, resp, b)
	})
	return respBody, botError(err)
}
