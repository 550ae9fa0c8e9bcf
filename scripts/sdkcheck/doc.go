// Package sdkcheck holds the check of banzu's platform fakes against the
// platforms' own Node SDKs (npm @wecom/aibot-node-sdk and dingtalk-stream):
// sdkcheck_test.go starts the fakes on loopback ports and runs check.js
// against them. It skips unless node and the modules from `npm ci` in this
// folder are present (BANZU_REQUIRE_SDKCHECK=1 makes it fail instead).
package sdkcheck
