// Package handlers holds banzu's core chat commands, each declared as data.
// Features register their commands through app's feature_*.go files.
package handlers
