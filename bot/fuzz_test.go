package bot_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/banzu-bot/banzu/bot"
)

// FuzzParseCommand checks the parser's invariants on any text: it never
// panics; a command has a non-empty name without spaces or a leading slash;
// the arguments are the space-separated words of the rest.
func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{"/help", "／报表 上月", "/kpi @小王 2026-10", "  /award 委屈奖 @小李 顾客无理投诉  ", "/", "／", "/ x", "hello", "/a\u3000A", "/\xff\xfe", "/lesson start 运费险"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		name, args, rest, ok := bot.ParseCommand(text)
		if !ok {
			if name != "" || args != nil || rest != "" {
				t.Fatalf("not a command, yet name=%q args=%q rest=%q", name, args, rest)
			}
			return
		}
		trimmed := strings.TrimSpace(text)
		if !strings.HasPrefix(trimmed, "/") && !strings.HasPrefix(trimmed, "／") {
			t.Fatalf("%q parsed as a command without a slash", text)
		}
		if name == "" || strings.IndexFunc(name, unicode.IsSpace) >= 0 {
			t.Fatalf("bad name %q from %q", name, text)
		}
		if got := strings.FieldsFunc(rest, unicode.IsSpace); strings.Join(got, "\x00") != strings.Join(args, "\x00") {
			t.Fatalf("args %q are not the words of rest %q", args, rest)
		}
		if utf8.ValidString(text) && !utf8.ValidString(name) {
			t.Fatalf("valid text gave an invalid name %q", name)
		}
	})
}
