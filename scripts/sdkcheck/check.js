// check.js connects WeCom's and DingTalk's own Node SDKs to banzu's fakes
// (platform/wecom/wecomtest, platform/dingtalk/dingtalktest) and exchanges a
// message, a reply, a push and a file. It is driven by sdkcheck_test.go,
// which starts the fakes on loopback ports and reads the lines this script
// prints ("READY", "DONE ...", "FAIL ...").
//
//   node check.js wecom      WECOM_WS_URL, WECOM_BOT_ID, WECOM_SECRET
//   node check.js dingtalk   DINGTALK_BASE, DINGTALK_CLIENT_ID, DINGTALK_CLIENT_SECRET
//
// Every address is checked to be a loopback one before anything connects:
// nothing here may reach WeCom or DingTalk.
'use strict';

const say = (...parts) => process.stdout.write(parts.join(' ') + '\n');
const fail = (what, err) => {
  say('FAIL', what + ':', String((err && err.stack) || err).replace(/\n/g, ' | '));
  process.exit(1);
};

function loopback(raw) {
  const u = new URL(raw);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') {
    fail('address', new Error(`${raw} is not a loopback address`));
  }
  return raw;
}

function env(name) {
  const v = process.env[name];
  if (!v) fail('environment', new Error(`${name} is not set`));
  return v;
}

const quiet = { debug() {}, info() {}, warn() {}, error: (...a) => process.stderr.write(a.join(' ') + '\n') };

async function wecom() {
  const { WSClient } = require('@wecom/aibot-node-sdk');
  const wsUrl = loopback(env('WECOM_WS_URL'));
  const client = new WSClient({
    botId: env('WECOM_BOT_ID'),
    secret: env('WECOM_SECRET'),
    wsUrl, // the SDK's endpoint override (default wss://openws.work.weixin.qq.com)
    reconnectInterval: 50,
    maxReconnectAttempts: 3,
    maxAuthFailureAttempts: 1,
    logger: quiet,
  });
  let kicked = false;
  client.on('authenticated', () => say('READY'));
  client.on('error', (err) => process.stderr.write('wecom sdk: ' + err + '\n'));
  client.on('message.text', async (frame) => {
    try {
      const body = frame.body;
      const text = body.text.content;
      // The reply: a finished stream on the callback's req_id.
      await client.replyStream(frame, 'stream-1', 'pong: ' + text, true);
      // A push into the chat.
      await client.sendMessage(body.chatid, { msgtype: 'markdown', markdown: { content: 'push from the sdk' } });
      // A file: chunked upload, then a file message.
      const data = Buffer.alloc(700 * 1024, 7); // two chunks
      const up = await client.uploadMedia(data, { type: 'file', filename: 'sdk.bin' });
      await client.sendMediaMessage(body.chatid, 'file', up.media_id);
      say('DONE message', JSON.stringify({ text, media_id: up.media_id }));
    } catch (err) {
      fail('wecom message', err);
    }
  });
  client.on('event.template_card_event', async (frame) => {
    try {
      const ev = frame.body.event;
      const card = {
        card_type: 'text_notice',
        main_title: { title: '已作答' },
        task_id: (ev.template_card_event && ev.template_card_event.task_id) || ev.task_id || 'sdk-task',
        card_action: { type: 1, url: 'https://example.invalid/' },
      };
      await client.updateTemplateCard(frame, card, [frame.body.from.userid]);
      say('DONE click', JSON.stringify({ key: (ev.template_card_event && ev.template_card_event.event_key) || ev.event_key || '' }));
    } catch (err) {
      fail('wecom click', err);
    }
  });
  client.on('event.enter_chat', async (frame) => {
    try {
      await client.replyWelcome(frame, { msgtype: 'text', text: { content: '欢迎' } });
      say('DONE welcome');
    } catch (err) {
      fail('wecom welcome', err);
    }
  });
  client.on('event.disconnected_event', () => {
    kicked = true;
    say('KICKED');
  });
  client.on('disconnected', () => {
    if (!kicked) return;
    // The SDK must not come back after a kick: give it several reconnect
    // intervals, then report.
    setTimeout(() => {
      say('DONE kick', JSON.stringify({ connected: client.isConnected }));
      process.exit(0);
    }, 500);
  });
  client.connect();
}

async function dingtalk() {
  const axios = require('axios');
  const { DWClient, TOPIC_ROBOT, TOPIC_CARD } = require('dingtalk-stream');
  const base = loopback(env('DINGTALK_BASE')).replace(/\/$/, '');
  const clientId = env('DINGTALK_CLIENT_ID');
  const clientSecret = env('DINGTALK_CLIENT_SECRET');
  // dingtalk-stream has no option for its gateway URL: constants.GATEWAY_URL
  // is https://api.dingtalk.com/v1.0/gateway/connections/open, fetched with
  // the axios module it shares with this script. Rewrite every DingTalk host
  // to the fake, and refuse anything that is not loopback after that.
  axios.interceptors.request.use((cfg) => {
    cfg.url = String(cfg.url).replace(/^https:\/\/(api|oapi)\.dingtalk\.com/, base);
    loopback(cfg.url);
    return cfg;
  });
  const http = async (path, init) => {
    const res = await fetch(loopback(base + path), init);
    const body = await res.json().catch(() => ({}));
    if (!res.ok || (body.errcode && body.errcode !== 0)) {
      throw new Error(`${path}: HTTP ${res.status} ${JSON.stringify(body)}`);
    }
    return body;
  };
  const client = new DWClient({ clientId, clientSecret, keepAlive: false });
  client.registerCallbackListener(TOPIC_ROBOT, async (res) => {
    try {
      // Acknowledge at once, as the SDK's examples do.
      client.socketCallBackResponse(res.headers.messageId, { ok: true });
      const msg = JSON.parse(res.data);
      const text = msg.text.content.trim();
      // The reply, through the session webhook.
      const webhook = loopback(msg.sessionWebhook);
      const r = await fetch(webhook, {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ msgtype: 'text', text: { content: 'pong: ' + text } }),
      });
      if (!r.ok) throw new Error('session webhook: HTTP ' + r.status);
      // A push into the group, with the robot code the SDKs use: the client id.
      const tok = await http('/v1.0/oauth2/accessToken', {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ appKey: clientId, appSecret: clientSecret }),
      });
      const auth = { 'Content-Type': 'application/json', 'x-acs-dingtalk-access-token': tok.accessToken };
      await http('/v1.0/robot/groupMessages/send', {
        method: 'POST', headers: auth,
        body: JSON.stringify({ robotCode: msg.robotCode || clientId, openConversationId: msg.conversationId,
          msgKey: 'sampleMarkdown', msgParam: JSON.stringify({ title: '推送', text: 'push from the sdk' }) }),
      });
      // A file: upload, then sampleFile to the sender.
      const form = new FormData();
      form.append('type', 'file');
      form.append('media', new Blob([Buffer.alloc(2048, 5)]), 'sdk.bin');
      const up = await http('/media/upload?access_token=' + encodeURIComponent(tok.accessToken) + '&type=file', { method: 'POST', body: form });
      await http('/v1.0/robot/oToMessages/batchSend', {
        method: 'POST', headers: auth,
        body: JSON.stringify({ robotCode: msg.robotCode || clientId, userIds: [msg.senderStaffId],
          msgKey: 'sampleFile', msgParam: JSON.stringify({ mediaId: up.media_id, fileName: 'sdk.bin', fileType: 'bin' }) }),
      });
      say('DONE message', JSON.stringify({ text, media_id: up.media_id }));
    } catch (err) {
      fail('dingtalk message', err);
    }
  });
  // An interactive card's button tap, as the SDK's examples read it.
  client.registerCallbackListener(TOPIC_CARD, (res) => {
    try {
      client.socketCallBackResponse(res.headers.messageId, {});
      const data = JSON.parse(res.data);
      const content = JSON.parse(data.content);
      say('DONE card', JSON.stringify({ outTrackId: data.outTrackId, userId: data.userId, option: content.cardPrivateData.params.option }));
      client.disconnect();
      setTimeout(() => process.exit(0), 100);
    } catch (err) {
      fail('dingtalk card', err);
    }
  });
  const connect = client._connect.bind(client);
  client._connect = () => {
    loopback(client.dw_url); // the endpoint the gateway handed out
    return connect();
  };
  await client.connect();
  if (!client.connected) fail('dingtalk connect', new Error('not connected'));
  say('READY');
}

const which = process.argv[2];
const run = { wecom, dingtalk }[which];
if (!run) fail('usage', new Error('node check.js wecom|dingtalk'));
run().catch((err) => fail(which, err));
setTimeout(() => fail('timeout', new Error('no result within 60 s')), 60000).unref();
