package handlers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/banzu-bot/banzu/awards"
	"github.com/banzu-bot/banzu/bot"
)

// thanksCommand is /thanks (/感谢): peer thanks, a few a day, told to the
// receiver privately; with 委屈奖 and an order number it nominates the
// receiver for the supervisors to approve.
func (h *Awards) thanksCommand() *bot.Command {
	return &bot.Command{
		Name: "thanks", Aliases: []string{"感谢"},
		Summary:  fmt.Sprintf("感谢同事（每天 %d 次，私信告诉对方，计入团队贡献）；加“委屈奖 订单号”可提名委屈奖，由主管确认", max(h.Svc.Cfg.ThanksPerDay, 1)),
		Usage:    "/thanks @名字 原因 | /thanks @名字 委屈奖 订单号 经过",
		Examples: []string{"/thanks @小王 帮我接了一个很难缠的售后", "/感谢 @阿杰 委屈奖 2026112012345 客户辱骂半小时仍耐心处理完退款"},
		Role:     bot.RoleAgent, MinArgs: 2, GroupOnly: true,
		Handler: h.thanks,
	}
}

// parseNomination finds "委屈奖" and an order number among the words of a
// thanks; it returns the reason without them.
func parseNomination(words []string) (nominate bool, order string, reason string) {
	var rest []string
	for i := 0; i < len(words); i++ {
		w := strings.TrimLeft(bot.FoldWidth(words[i]), "#＃")
		switch {
		case w == "委屈奖" || w == "提名委屈奖":
			nominate = true
		case order == "" && (w == "订单" || w == "订单号") && i+1 < len(words) && looksLikeOrder(bot.FoldWidth(words[i+1])):
			order = bot.FoldWidth(words[i+1])
			i++
		case order == "" && looksLikeOrder(strings.TrimPrefix(strings.TrimPrefix(w, "订单号"), "订单")):
			order = strings.TrimPrefix(strings.TrimPrefix(w, "订单号"), "订单")
		default:
			rest = append(rest, words[i])
		}
	}
	return nominate, order, strings.TrimSpace(strings.Join(rest, " "))
}

// looksLikeOrder: 6 to 40 letters, digits, - or _, with at least 6 digits
// (platform order numbers are long numbers, sometimes with a prefix).
func looksLikeOrder(s string) bool {
	if len(s) < 6 || len(s) > 40 {
		return false
	}
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || r == '-' || r == '_'):
		default:
			return false
		}
	}
	return digits >= 6
}

func (h *Awards) thanks(ctx context.Context, req *bot.Request) error {
	if req.Member == nil {
		return bot.Userf("你还不在花名册里，暂时不能发感谢。请主管把你加入团队成员（teams[].members）。")
	}
	m := req.FindMember(req.Args[0])
	if m == nil {
		return bot.Usagef("团队里没有找到 %s。", req.Args[0])
	}
	if m.ID == req.Member.ID {
		return bot.Userf("不能感谢自己，把感谢留给帮过你的同事吧。")
	}
	nominate, order, reason := parseNomination(req.Args[1:])
	if reason == "" {
		return bot.Usagef("请写明感谢的原因，例如：/thanks %s 帮我接了一个很难缠的售后", "@"+m.Name)
	}
	if nominate && order == "" {
		return bot.Usagef("提名委屈奖请写上订单号，方便主管核实，例如：/thanks @%s 委屈奖 2026112012345 经过", m.Name)
	}
	if len([]rune(reason)) > 200 {
		return bot.Userf("感谢的原因请控制在 200 字以内（现在 %d 字）。", len([]rune(reason)))
	}
	now := req.Now()
	e := awards.Entry{Member: m.ID, By: req.Member.ID, Team: req.Team.ID, Reason: reason, Figures: "来自 " + req.Member.Name, At: now}
	if nominate {
		e.Order = order
		e.Figures += "（提名委屈奖，订单 " + order + "）"
	}
	got, created, err := h.Svc.Thank(ctx, e, req.EventKey())
	if errors.Is(err, awards.ErrThanksLimit) {
		return bot.Userf("今天的 %d 次感谢已经用完了，明天再来感谢 %s 吧。", max(h.Svc.Cfg.ThanksPerDay, 1), m.Name)
	}
	if err != nil {
		return err
	}
	left, err := h.Svc.ThanksLeft(ctx, req.Member.ID, now)
	if err != nil {
		return err
	}
	if created {
		// The receiver hears it privately; the group sees nothing.
		note := fmt.Sprintf("🙏 **%s 感谢你**：%s\n（计入本月团队贡献）", req.Member.Name, reason)
		if err := req.Bot().SendMember(ctx, m.ID, bot.Message{Markdown: note}); err != nil {
			req.Bot().Logger().Warn("thanks: receiver not told", "user_id", m.ID, "error", err)
		}
		if nominate {
			h.nominate(ctx, req, m, got)
		}
	}
	ack := fmt.Sprintf("已私信转达你对 %s 的感谢（#%d）。今天还可以感谢 %d 次。", m.Name, got.Seq, left)
	if left <= 0 {
		ack = fmt.Sprintf("已私信转达你对 %s 的感谢（#%d）。今天的感谢次数已经用完，明天再来。", m.Name, got.Seq)
	}
	if nominate {
		ack += "\n委屈奖提名已私信发给主管，核实后由主管颁发。"
	}
	if req.Private() {
		return req.ReplyText(ctx, ack)
	}
	// In the group the giver hears back privately too: a thanks is not a show.
	if err := req.Bot().SendMember(ctx, req.Member.ID, bot.Message{Markdown: ack}); err != nil {
		return req.ReplyText(ctx, ack)
	}
	return nil
}

// nominate tells the team's supervisors of a 委屈奖 nomination, with the
// line to send to approve it.
func (h *Awards) nominate(ctx context.Context, req *bot.Request, m *bot.Member, e *awards.Entry) {
	line := fmt.Sprintf("/award 委屈奖 @%s 订单 %s %s", m.Name, e.Order, e.Reason)
	msg := fmt.Sprintf("📝 **委屈奖提名**（%s）\n%s 提名 %s：%s\n订单号：%s\n核实订单和聊天记录后，在团队群发送下面这行即可颁发：\n%s\n不予颁发则无需操作。",
		req.Team.Name, req.Member.Name, m.Name, e.Reason, e.Order, line)
	for _, sup := range req.Bot().Directory.Supervisors(req.Team.ID) {
		if sup.ID == m.ID {
			continue
		}
		if err := req.Bot().SendMember(ctx, sup.ID, bot.Message{Markdown: msg}); err != nil {
			req.Bot().Logger().Warn("thanks: nomination not delivered", "user_id", sup.ID, "error", err)
		}
	}
}
