package lesson

import "testing"

func TestFillAcceptsNumbersWithTheirUnit(t *testing.T) {
	days := &Question{ID: "d", Type: Fill, Text: "商家应当在收到退回商品之日起 ____ 日内退还货款。（填数字）", Answer: []string{"7"}}
	hours := &Question{ID: "h", Type: Fill, Text: "运费险一般在退款完结后 ____ 小时内赔付。", Answer: []string{"72"}}
	asked := &Question{ID: "a", Type: Fill, Text: "拼多多普通商品默认在成团后多少小时内发货？", Answer: []string{"48"}}
	percent := &Question{ID: "p", Type: Fill, Text: "话术温度计中肯定句占 ____%。", Answer: []string{"60"}}
	yuan := &Question{ID: "y", Type: Fill, Text: "裤子应退 ____ 元。", Answer: []string{"180"}}
	count := &Question{ID: "c", Type: Fill, Text: "一次给____个可选方案更容易被接受。", Answer: []string{"两个"}}
	article := &Question{ID: "r", Type: Fill, Text: "质量问题退换规定在《消费者权益保护法》第____条。", Answer: []string{"24", "第二十四"}}
	name := &Question{ID: "n", Type: Fill, Text: "强制性产品认证简称 ____ 认证。", Answer: []string{"3C"}}
	fine := &Question{ID: "w", Type: Fill, Text: "可处 ____ 万元以上一百万元以下的罚款。", Answer: []string{"20"}}
	half := &Question{ID: "x", Type: Fill, Text: "____ 小时", Answer: []string{"0.5"}}
	noUnit := &Question{ID: "u", Type: Fill, Text: "统一社会信用代码的长度：____（填数字）", Answer: []string{"18"}}
	cases := []struct {
		q     *Question
		in    string
		right bool
	}{
		{days, "7", true},
		{days, "７", true},
		{days, "七", true},
		{days, "7日", true},
		{days, "7天", true},
		{days, "七天", true},
		{days, "７ 日", true},
		{days, "7天内", true},
		{days, "7日以内", true},
		{days, "7日。", true},
		{days, "8", false},
		{days, "17", false},
		{days, "7小时", false},
		{days, "7个工作日", false},
		{days, "7日7", false},
		{days, "7日左右", false},
		{hours, "72小时", true},
		{hours, "七十二小时", true},
		{hours, "72h", true},
		{hours, "72个小时", true},
		{hours, "72天", false},
		{hours, "3天", false},
		{asked, "48小时", true},
		{asked, "四十八", true},
		{asked, "48天", false},
		{percent, "60%", true},
		{percent, "60％", true},
		{percent, "百分之六十", true},
		{percent, "60元", false},
		{percent, "百分之六十元", false},
		{yuan, "180元", true},
		{yuan, "180块", true},
		{yuan, "一百八", true},
		{yuan, "一百八十元", true},
		{yuan, "180.0", true},
		{yuan, "18", false},
		{count, "2", true},
		{count, "2个", true},
		{count, "两个", true},
		{count, "2位", false},
		{article, "24条", true},
		{article, "二十四", true},
		{article, "第二十四", true},
		{name, "3", false},
		{name, "3c", true},
		{noUnit, "18位", false}, // the question names no unit
		{asked, "48", true},
		{noUnit, "十八", true},
		{fine, "20万", true},
		{fine, "二十万元", true},
		{fine, "二十", true},
		{fine, "200000", false},
		{yuan, "18.0", false},
		{yuan, "1.80", false},
		{half, "0.5", true},
		{half, "０.５小时", true},
		{half, "05", false},
		{half, "5", false},
	}
	for _, c := range cases {
		r, err := ParseResponse(c.q, c.in)
		if err != nil {
			t.Fatalf("%s %q: %v", c.q.ID, c.in, err)
		}
		if got := Grade(c.q, nil, r); got != c.right {
			t.Errorf("%s %q: graded %v, want %v", c.q.ID, c.in, got, c.right)
		}
	}
}

func TestChineseNumbers(t *testing.T) {
	for in, want := range map[string]int{
		"零": 0, "七": 7, "两": 2, "十": 10, "十五": 15, "二十": 20, "二十四": 24, "七十二": 72,
		"一百": 100, "一百零八": 108, "一百五": 150, "一百五十": 150, "一千零五十": 1050, "一千五": 1500,
		"三万": 30000, "一万二千": 12000,
	} {
		if got, ok := parseChineseNumber([]rune(in)); !ok || got != want {
			t.Errorf("%s = %d %v, want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "七二", "百", "十十", "万"} {
		if got, ok := parseChineseNumber([]rune(in)); ok {
			t.Errorf("%s read as %d", in, got)
		}
	}
}

func TestAskedUnit(t *testing.T) {
	q := &Question{Text: "统一社会信用代码有几位？"}
	if g := askedUnit(q); g < 0 || unitGroups[g][0] != "位" {
		t.Errorf("几位 asks %d", g)
	}
	q = &Question{Text: "按 SKU 计算：____ sku"}
	if g := askedUnit(q); g >= 0 {
		t.Errorf("sku read as unit %v", unitGroups[g])
	}
}
