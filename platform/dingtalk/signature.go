package dingtalk

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"strconv"
	"time"
)

// maxClockSkew is how far a callback's timestamp may be from our clock.
const maxClockSkew = time.Hour

// Sign computes DingTalk's callback signature:
// base64(HmacSHA256(key=secret, msg=timestamp+"\n"+secret)), not URL-encoded.
func Sign(timestamp, secret string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp + "\n" + secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Signature verification failures.
var (
	errMissingSignature = errors.New("missing timestamp or sign header")
	errBadTimestamp     = errors.New("timestamp is not a millisecond number")
	errStaleTimestamp   = errors.New("timestamp more than 1 hour away from our clock")
	errBadSignature     = errors.New("signature mismatch")
)

// verifySignature checks the timestamp (milliseconds) against now and the sign
// in constant time.
func verifySignature(timestamp, sign, secret string, now time.Time) error {
	if timestamp == "" || sign == "" {
		return errMissingSignature
	}
	ms, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return errBadTimestamp
	}
	skew := now.Sub(time.UnixMilli(ms))
	if skew > maxClockSkew || skew < -maxClockSkew {
		return errStaleTimestamp
	}
	want := Sign(timestamp, secret)
	if subtle.ConstantTimeCompare([]byte(want), []byte(sign)) != 1 {
		return errBadSignature
	}
	return nil
}
