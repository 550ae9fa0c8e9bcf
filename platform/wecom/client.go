package wecom

import (
	"encoding/json"
	"net/url"
)

// EncryptCallback does what WeCom does before it calls a callback URL: it
// encrypts plaintext (AES-256-CBC, key from encodingAESKey, plaintext = 16
// random bytes + 4-byte big-endian length + message + receiveID, PKCS#7
// padded to 32 bytes) and signs it (msg_signature = SHA1 of the sorted
// token, timestamp, nonce and ciphertext). It returns the POST body
// {"encrypt": "..."} and the query parameters msg_signature, timestamp and
// nonce. The intelligent robot's receive id is "".
//
// It is the client side of Handler, for tests and fakes of WeCom; banzu
// itself never calls it. A URL verification GET carries the same query with
// echostr set to the body's encrypt value.
func EncryptCallback(token, encodingAESKey, receiveID string, plaintext []byte, timestamp, nonce string) (body []byte, query url.Values, err error) {
	c, err := newCryptor(token, encodingAESKey, receiveID)
	if err != nil {
		return nil, nil, err
	}
	enc, err := c.encrypt(plaintext)
	if err != nil {
		return nil, nil, err
	}
	body, err = json.Marshal(struct {
		Encrypt string `json:"encrypt"`
	}{enc})
	if err != nil {
		return nil, nil, err
	}
	query = url.Values{
		"msg_signature": {c.signature(timestamp, nonce, enc)},
		"timestamp":     {timestamp},
		"nonce":         {nonce},
	}
	return body, query, nil
}
