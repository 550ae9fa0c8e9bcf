package wecom

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/silenceper/wechat/v2/util"
)

// cryptor implements WeCom's WXBizMsgCrypt scheme: SHA1 signatures over
// sort(token, timestamp, nonce, encrypt) and AES-256-CBC with the key derived
// from the 43-character EncodingAESKey, IV = first 16 key bytes, plaintext =
// 16 random bytes + 4-byte big-endian length + message + receive id, PKCS#7
// padded to 32 bytes. The intelligent robot uses the empty receive id.
//
// Signing and encrypting reuse silenceper's util.Signature and util.EncryptMsg.
// Decrypting does not use util.DecryptMsg: it rejects every message whose
// receive id is empty ("msg length too large", it wants at least one byte
// after the message), which is exactly the robot's case, and it checks only
// the last padding byte. decrypt below is strict about both.
type cryptor struct {
	token     string
	encoded   string // the EncodingAESKey as configured
	key       []byte // 32 bytes
	receiveID string
}

// pkcs7Block is the block size WeCom pads to (not the AES block size).
const pkcs7Block = 32

// newCryptor checks the EncodingAESKey and derives the AES key.
func newCryptor(token, encodingAESKey, receiveID string) (*cryptor, error) {
	if token == "" {
		return nil, errors.New("token is empty")
	}
	key, err := decodeAESKey(encodingAESKey)
	if err != nil {
		return nil, err
	}
	return &cryptor{token: token, encoded: encodingAESKey, key: key, receiveID: receiveID}, nil
}

// decodeAESKey turns a 43-character EncodingAESKey into the 32-byte AES key.
func decodeAESKey(encoded string) ([]byte, error) {
	if len(encoded) != 43 {
		return nil, fmt.Errorf("encoding_aes_key must be 43 characters, got %d", len(encoded))
	}
	key, err := base64.StdEncoding.DecodeString(encoded + "=")
	if err != nil || len(key) != 32 {
		return nil, errors.New("encoding_aes_key is not valid base64 of 32 bytes")
	}
	return key, nil
}

// signature computes msg_signature for one request.
func (c *cryptor) signature(timestamp, nonce, encrypted string) string {
	return util.Signature(c.token, timestamp, nonce, encrypted)
}

// verify reports whether sig is the signature of the request, in constant time.
func (c *cryptor) verify(sig, timestamp, nonce, encrypted string) bool {
	want := c.signature(timestamp, nonce, encrypted)
	return subtle.ConstantTimeCompare([]byte(want), []byte(sig)) == 1
}

// Decryption errors; none of them carries attacker-controlled bytes.
var (
	errBase64  = errors.New("wecom crypto: encrypt is not valid base64")
	errLength  = errors.New("wecom crypto: ciphertext length is not a multiple of the block size")
	errPadding = errors.New("wecom crypto: bad PKCS#7 padding")
	errFormat  = errors.New("wecom crypto: plaintext too short or message length out of range")
	errRecvID  = errors.New("wecom crypto: receive id does not match")
)

// decrypt returns the message inside an encrypt field.
func (c *cryptor) decrypt(encrypted string) ([]byte, error) {
	ct, err := base64.StdEncoding.DecodeString(encrypted)
	if err != nil {
		return nil, errBase64
	}
	if len(ct) == 0 || len(ct)%aes.BlockSize != 0 {
		return nil, errLength
	}
	block, err := aes.NewCipher(c.key)
	if err != nil {
		return nil, err
	}
	pt := make([]byte, len(ct))
	cipher.NewCBCDecrypter(block, c.key[:aes.BlockSize]).CryptBlocks(pt, ct)

	pad := int(pt[len(pt)-1])
	if pad < 1 || pad > pkcs7Block || pad > len(pt) {
		return nil, errPadding
	}
	for _, b := range pt[len(pt)-pad:] {
		if int(b) != pad {
			return nil, errPadding
		}
	}
	pt = pt[:len(pt)-pad]
	if len(pt) < 20 {
		return nil, errFormat
	}
	n := binary.BigEndian.Uint32(pt[16:20])
	if uint64(n) > uint64(len(pt)-20) {
		return nil, errFormat
	}
	msg, recv := pt[20:20+int(n)], pt[20+int(n):]
	if subtle.ConstantTimeCompare(recv, []byte(c.receiveID)) != 1 {
		return nil, errRecvID
	}
	return bytes.Clone(msg), nil
}

// encrypt encrypts msg with 16 random bytes from crypto/rand.
func (c *cryptor) encrypt(msg []byte) (string, error) {
	random := make([]byte, 16)
	if _, err := rand.Read(random); err != nil {
		return "", err
	}
	return c.encryptWith(random, msg)
}

// encryptWith encrypts msg with the given 16 random bytes (fixed in tests).
func (c *cryptor) encryptWith(random, msg []byte) (string, error) {
	out, err := util.EncryptMsg(random, msg, c.receiveID, c.encoded)
	if err != nil {
		return "", err
	}
	return string(out), nil
}
