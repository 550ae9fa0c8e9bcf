package dingtalk

import (
	"encoding/json"
	"strings"
)

// Stream protocol constants.
const (
	frameSystem   = "SYSTEM"
	frameCallback = "CALLBACK"
	frameEvent    = "EVENT"

	topicPing       = "ping"
	topicDisconnect = "disconnect"
	// TopicBotMessage is the stream topic of messages sent to the robot.
	TopicBotMessage = "/v1.0/im/bot/messages/get"

	headerTopic       = "topic"
	headerMessageID   = "messageId"
	headerContentType = "contentType"

	// callbackAckData is the data of a CALLBACK acknowledgement: no
	// synchronous reply (replies go through the session webhook or OpenAPI).
	callbackAckData = `{"response":null}`
	// eventAckData acknowledges an EVENT frame (banzu subscribes to none).
	eventAckData = `{"status":"SUCCESS","message":"success"}`
)

// frame is one message from the stream gateway.
type frame struct {
	SpecVersion string       `json:"specVersion"`
	Type        string       `json:"type"`
	Headers     frameHeaders `json:"headers"`
	Data        string       `json:"data"`
}

// frameHeaders tolerates non-string header values by keeping their JSON text.
type frameHeaders map[string]string

// UnmarshalJSON implements json.Unmarshaler.
func (h *frameHeaders) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	out := make(frameHeaders, len(raw))
	for k, v := range raw {
		var s string
		if json.Unmarshal(v, &s) == nil {
			out[k] = s
			continue
		}
		out[k] = strings.TrimSpace(string(v))
	}
	*h = out
	return nil
}

// ack answers one frame. The gateway matches it to the frame by messageId.
type ack struct {
	Code    int               `json:"code"`
	Headers map[string]string `json:"headers"`
	Message string            `json:"message"`
	Data    string            `json:"data"`
}

// ackFor builds the acknowledgement of f: pings echo their data, callbacks
// and events get a fixed success body.
func ackFor(f frame) ack {
	a := ack{
		Code: 200,
		Headers: map[string]string{
			headerContentType: "application/json",
			headerMessageID:   f.Headers[headerMessageID],
		},
		Message: "OK",
	}
	switch f.Type {
	case frameSystem:
		if f.Headers[headerTopic] == topicPing {
			a.Data = f.Data
		}
	case frameCallback:
		a.Data = callbackAckData
	case frameEvent:
		a.Data = eventAckData
	}
	return a
}
