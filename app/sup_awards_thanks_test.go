package app_test

import "testing"

// TestSupAwardsLabelsThanks checks the 荣誉账本 page names every kind of
// entry, peer thanks included (its kind column was blank).
func TestSupAwardsLabelsThanks(t *testing.T) {
	r := start(t, demoConfig(t))
	if code, body := r.post("presale", "xiaowang", "/thanks @小李 帮我接了一个难缠的售后"); code != 200 {
		t.Fatalf("/thanks: %d %s", code, body)
	}
	r.drain() // the thanks is answered privately: wait until it has landed
	var page struct {
		Entries []struct {
			Kind, Award, Member string
		}
	}
	if code := r.get("/console/api/sup/awards?user_id=chen&team_id=presale", &page); code != 200 {
		t.Fatalf("sup/awards: %d", code)
	}
	thanks := 0
	for _, e := range page.Entries {
		if e.Kind == "" {
			t.Errorf("entry without a kind: %+v", e)
		}
		if e.Award == "同事感谢" && e.Member == "小李" {
			thanks++
			if e.Kind != "感谢" {
				t.Errorf("thanks entry kind %q, want 感谢", e.Kind)
			}
		}
	}
	if thanks == 0 {
		t.Errorf("the thanks is not on the page: %+v", page.Entries)
	}
}
