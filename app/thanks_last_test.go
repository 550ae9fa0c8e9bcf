package app_test

import (
	"strings"
	"testing"
)

// TestThanksLastOfTheDay checks the ack of the day's last thanks says the
// thanks are used up, not "今天还可以感谢 0 次".
func TestThanksLastOfTheDay(t *testing.T) {
	r := start(t, demoConfig(t))
	for _, c := range []string{"/thanks @小李 帮我顶班", "/thanks @阿强 分享话术"} {
		r.post("presale", "xiaowang", c)
		r.drain() // one after the other: messages sent at once are handled in any order
	}
	if got := r.lastBot("inbox:xiaowang"); !strings.Contains(got, "今天还可以感谢 1 次") {
		t.Errorf("second thanks' ack: %q", got)
	}
	r.post("presale", "xiaowang", "/thanks @大刘 替我接了晚班")
	got := r.lastBot("inbox:xiaowang")
	if !strings.Contains(got, "已私信转达你对 大刘 的感谢") || !strings.Contains(got, "今天的感谢次数已经用完") || strings.Contains(got, "0 次") {
		t.Errorf("last thanks' ack: %q", got)
	}
}
