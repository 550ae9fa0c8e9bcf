package lesson

import (
	"bytes"
	"strings"
	"testing"

	"github.com/banzu-bot/banzu/xlsxguard/xlsxguardtest"
)

// TestParseXLSXRefusesBomb: a lesson workbook with 1 GiB of zeros inside is
// refused before excelize inflates it, with an error naming the file.
func TestParseXLSXRefusesBomb(t *testing.T) {
	for _, kind := range []xlsxguardtest.Kind{xlsxguardtest.Zeros, xlsxguardtest.WhitespaceSheet} {
		var buf bytes.Buffer
		if err := xlsxguardtest.Write(&buf, kind, 1<<30, []string{"编号", "主题"}, nil); err != nil {
			t.Fatal(err)
		}
		_, err := Parse("课程.xlsx", buf.Bytes())
		if err == nil || !strings.Contains(err.Error(), "“课程.xlsx”") || !strings.Contains(err.Error(), "疑似压缩炸弹") {
			t.Errorf("kind %d: got %v", kind, err)
		}
	}
}
