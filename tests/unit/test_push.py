"""Month-end pushes against real local servers (SPEC §7 push), on both engines: an HTTP server stands in
for the WeChat Work and DingTalk robots and a JSON webhook, aiosmtpd for the mail server.

The city: 甲区, 乙县, 丙县; 2026 合同投资额 targets of 20亿元 each. November 2026 is due 2026-12-05:
reminders at 09:00 on 12-03 and 12-05, the briefing at 09:00 on 12-06.
"""
import base64
import datetime as dt
import hashlib
import hmac
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, text, update

from data_access import audit, notify
from data_access.config import ConfigError
from data_access.importer import import_workbook
from data_access.models import ImportBatch
from metrics.period import Period
from tests.builders import LEDGER_HEAD, city_id, ledger_row, region, target, workbook
from tests.servers import MailBox, free_port, http_channel

ROOT = Path(__file__).resolve().parents[2]
D = dt.date
NOV = Period(2026, 11)
# mixed case on purpose: a key is sent as written
WECOM_KEY, DING_TOKEN, DING_SECRET = "WecomKey0123456789", "dingtoken0123456789", "SECabcdef0123456789"
UPLOAD = "/cgi-bin/webhook/upload_media"  # WeChat Work's file upload, beside its send


@pytest.fixture
def robot(monkeypatch):
    """The HTTP server standing in for both robots (the endpoints of a private deployment) and webhooks."""
    channel, server = http_channel()
    monkeypatch.setenv("ZSDASH_WECOM_ROBOT_URL", f"{channel.base}/cgi-bin/webhook/send")
    monkeypatch.setenv("ZSDASH_DINGTALK_ROBOT_URL", f"{channel.base}/robot/send")
    channel.answers[UPLOAD] = {"errcode": 0, "errmsg": "ok", "type": "file", "media_id": "MEDIA-1"}
    yield channel
    channel.released.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def mailbox():
    box, port = MailBox(), free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    box.url = f"mailto://127.0.0.1:{port}?from=zsj@example.gov.cn&to=leader@example.gov.cn"
    yield box
    controller.stop()


@pytest.fixture
def city(engine):
    with engine.begin() as conn:
        for name in ("甲区", "乙县", "丙县"):
            target(conn, 2026, region(conn, name), "合同投资额", 20)
        target(conn, 2026, city_id(conn), "合同投资额", 60)
    return engine


def upload(engine, rows, period: Period = NOV, at: dt.datetime | None = None) -> int:
    result = import_workbook(engine, workbook({"项目台账": [LEDGER_HEAD, *rows]}), f"{period}.xlsx", period.year,
                             period.month, user="clerk")
    if at is not None:  # the upload's time as the clerk made it (the importer stamps the real clock)
        with engine.begin() as conn:
            conn.execute(update(ImportBatch).where(ImportBatch.id == result.batch_id).values(created_at=at))
    return result.batch_id


def channel(cli, name: str, url: str, *kinds: str, region: str | None = None) -> None:
    assert cli("channel", "add", name, url)[0] == 0
    for kind in kinds:
        assert cli("subscribe", name, "--kind", kind, *(["--region", region] if region else []))[0] == 0


def push(cli, at: str):
    code, out, err = cli("push", "--due", "--at", at)
    return code, out


def kinds_sent(requests) -> list[str]:
    return ["upload" if r.path == UPLOAD else (r.body or {}).get("msgtype") or "json" for r in requests]


# ---- channels

def test_channel_secrets_are_masked_everywhere_and_changes_audited(city, cli_on):
    cli = cli_on(city)
    url = f"dingtalk://{DING_SECRET}@{DING_TOKEN}"
    code, out, _ = cli("channel", "add", "市领导群", url)
    assert (code, out.strip()) == (0, "已添加渠道:市领导群(dingtalk://****@d...9)")
    assert cli("channel", "add", "邮箱", "mailtos://zsj:Pa55word@smtp.example.gov.cn?to=leader@example.gov.cn")[0] == 0
    code, out, _ = cli("channel", "list")
    assert "dingtalk://****@d...9" in out and "mailtos://zsj:****@smtp.example.gov.cn/leader@example.gov.cn" in out
    assert cli("subscribe", "市领导群", "--kind", "briefing")[0] == 0
    code, _, err = cli("subscribe", "市领导群", "--kind", "briefing")
    assert code == 1 and "已订阅" in err
    assert cli("channel", "remove", "邮箱")[0] == 0
    with city.connect() as conn:
        log = conn.execute(text("SELECT action, target, before, after FROM audit_log ORDER BY id")).all()
    assert [(a, t) for a, t, _, _ in log] == [("channel_add", "市领导群"), ("channel_add", "邮箱"),
                                             ("subscribe", "市领导群"), ("channel_remove", "邮箱")]
    logged = repr(log)
    for secret in (DING_SECRET, DING_TOKEN, "Pa55word"):
        assert secret not in logged and secret not in out


def test_a_url_apprise_cannot_read_is_refused_in_chinese(city):
    with city.begin() as conn, pytest.raises(ConfigError, match="无法识别的渠道地址"):
        notify.add_channel(conn, "坏地址", "wechat-group-123", "admin")


# ---- what each channel receives

def test_the_briefing_reaches_each_robot_in_its_own_shape(city, cli_on, robot):
    upload(city, [ledger_row("J1", "甲区", 12, D(2026, 11, 3), funds=1.5)])
    cli = cli_on(city)
    channel(cli, "企业微信群", f"wecombot://{WECOM_KEY}", "briefing")
    channel(cli, "钉钉群", f"dingtalk://{DING_SECRET}@{DING_TOKEN}", "briefing")
    channel(cli, "接口", f"json://127.0.0.1:{robot.port}/hook", "briefing")
    code, out = push(cli, "2026-12-06T09:00")
    assert code == 0 and out.strip().endswith("本次推送:成功3条,失败0条,无需发送0条")
    wecom = [r for r in robot.requests if r.path == "/cgi-bin/webhook/send"]
    ding = [r for r in robot.requests if r.path == "/robot/send"]
    hook = [r for r in robot.requests if r.path == "/hook"]
    # WeChat Work: the markdown, the 16:9 PNG as an image message (base64 and its md5), the Word 月通报
    # uploaded beside send and sent as a file message with the media id the robot gave
    assert [r.query for r in wecom] == [{"key": WECOM_KEY}] * 3
    assert [r.body["msgtype"] for r in wecom] == ["markdown", "image", "file"]
    (media,) = [r for r in robot.requests if r.path == UPLOAD]
    assert media.query == {"key": WECOM_KEY, "type": "file"}
    assert "全市2026年1-11月招商引资工作通报.docx".encode() in media.raw and b"word/document.xml" in media.raw
    assert wecom[2].body == {"msgtype": "file", "file": {"media_id": "MEDIA-1"}}
    content = wecom[0].body["markdown"]["content"]
    assert content.startswith("## 全市2026年1-11月招商引资工作通报\n\n2026年1-11月,全市新签约项目1个,"
                              "合同投资额12.00亿元,完成年度任务的20.00%,低于序时进度71.67个百分点。")  # 12 of 60
    assert "> 数据截至 2026年1-11月" in content
    png = base64.b64decode(wecom[1].body["image"]["base64"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and wecom[1].body["image"]["md5"] == hashlib.md5(png).hexdigest()
    # DingTalk: markdown with its title, signed: sign = base64(HMAC-SHA256(secret, "timestamp\nsecret"))
    (d,) = ding
    assert d.body["msgtype"] == "markdown" and d.body["markdown"]["title"] == "全市2026年1-11月招商引资工作通报"
    assert d.query["access_token"] == DING_TOKEN
    stamp = d.query["timestamp"]
    expected = base64.b64encode(hmac.new(DING_SECRET.encode(), f"{stamp}\n{DING_SECRET}".encode(),
                                         hashlib.sha256).digest()).decode()
    assert d.query["sign"] == expected  # the query string decoded: the same bytes DingTalk checks
    # the generic JSON webhook: apprise's payload, with both files
    (h,) = hook
    assert h.body["title"] == "全市2026年1-11月招商引资工作通报" and "合同投资额12.00亿元" in h.body["message"]
    files = {a["filename"]: base64.b64decode(a["base64"]) for a in h.body["attachments"]}
    assert sorted(files) == ["全市2026年1-11月招商引资工作通报.docx", "全市2026年1-11月招商引资工作通报.png"]
    assert "word/document.xml" in zipfile.ZipFile(io.BytesIO(files["全市2026年1-11月招商引资工作通报.docx"])).namelist()


def test_the_briefing_mail_has_a_chinese_subject_and_both_files(city, cli_on, mailbox, monkeypatch):
    monkeypatch.setenv("ZSDASH_PUBLIC_URL", "https://zsdash.example.gov.cn")
    upload(city, [ledger_row("J1", "甲区", 12, D(2026, 11, 3), funds=1.5)])
    cli = cli_on(city)
    channel(cli, "领导邮箱", mailbox.url, "briefing")
    assert push(cli, "2026-12-06T09:30")[0] == 0
    (mail,) = mailbox.messages
    assert mail["Subject"] == "全市2026年1-11月招商引资工作通报"
    assert mailbox.envelopes[0].rcpt_tos == ["leader@example.gov.cn"]
    body = MailBox.text(mail)
    assert "2026年1-11月,全市新签约项目1个,合同投资额12.00亿元" in body
    assert "查看驾驶舱:https://zsdash.example.gov.cn/?year=2026&month=11" in body
    files = MailBox.attachments(mail)
    assert sorted(files) == ["全市2026年1-11月招商引资工作通报.docx", "全市2026年1-11月招商引资工作通报.png"]
    assert files["全市2026年1-11月招商引资工作通报.png"][:4] == b"\x89PNG"


# ---- failures and retries

def test_a_500_is_logged_exits_1_and_is_retried_after_the_backoff(city, cli_on, robot):
    cli = cli_on(city)
    channel(cli, "企业微信群", f"wecombot://{WECOM_KEY}", "briefing")
    robot.status, robot.answer = 500, {"errmsg": "internal error"}
    code, out = push(cli, "2026-12-06T09:00")
    assert code == 1 and "发送失败,稍后重试:HTTP 500" in out
    robot.status, robot.answer = 200, {"errcode": 0, "errmsg": "ok"}
    assert push(cli, "2026-12-06T09:05") == (0, "本次推送:成功0条,失败0条,无需发送0条\n")  # backoff: 10 minutes
    code, out = push(cli, "2026-12-06T09:10")
    assert code == 0 and out.startswith("已发送\t企业微信群\t月度通报\t2026-11")
    assert kinds_sent(robot.requests) == ["markdown", "markdown", "image", "upload", "file"]  # then the files
    code, out, _ = cli("deliveries")
    lines = out.splitlines()
    assert lines[0].startswith("2026-12-06 09:10:00\t企业微信群\t月度通报\t2026-11\t"
                               "全市2026年1-11月招商引资工作通报\t成功")
    assert lines[1].startswith("2026-12-06 09:00:00\t企业微信群\t月度通报\t2026-11\t")
    assert "\t失败\tHTTP 500: " in lines[1]
    assert push(cli, "2026-12-07T09:00")[0] == 0 and len(robot.requests) == 5  # sent once: never again


def test_an_errcode_with_http_200_is_a_failure(city, cli_on, robot):
    cli = cli_on(city)
    channel(cli, "钉钉群", f"dingtalk://{DING_SECRET}@{DING_TOKEN}", "briefing")
    robot.answer = {"errcode": 310000, "errmsg": "sign not match"}
    code, out = push(cli, "2026-12-06T09:00")
    assert code == 1 and 'HTTP 200: {"errcode": 310000, "errmsg": "sign not match"}' in out


def test_a_channel_that_never_answers_times_out(city, cli_on, robot, monkeypatch):
    monkeypatch.setenv("ZSDASH_PUSH_TIMEOUT_SECONDS", "1")
    cli = cli_on(city)
    channel(cli, "接口", f"json://127.0.0.1:{robot.port}/hook", "briefing")
    channel(cli, "企业微信群", f"wecombot://{WECOM_KEY}", "briefing")
    robot.hang = True
    code, out = push(cli, "2026-12-06T09:00")
    assert code == 1 and out.count("发送失败,稍后重试") == 2
    assert "等待渠道应答超时(1秒)" in out
    with city.connect() as conn:
        rows = notify.attempts(conn)
    assert [(r["channel"], r["ok"], r["status"]) for r in rows] == [("企业微信群", False, "failed"),
                                                                     ("接口", False, "failed")]
    assert all(r["next_attempt_at"] == dt.datetime(2026, 12, 6, 9, 10) for r in rows)


def test_a_delivery_is_given_up_after_the_last_attempt(city, cli_on, robot, monkeypatch):
    monkeypatch.setenv("ZSDASH_PUSH_MAX_ATTEMPTS", "2")
    cli = cli_on(city)
    channel(cli, "企业微信群", f"wecombot://{WECOM_KEY}", "briefing")
    robot.status = 500
    assert push(cli, "2026-12-06T09:00")[0] == 1
    code, out = push(cli, "2026-12-06T09:10")
    assert code == 1 and "发送失败,已放弃" in out
    assert push(cli, "2026-12-08T09:00") == (0, "本次推送:成功0条,失败0条,无需发送0条\n")
    assert len(robot.requests) == 2


# ---- exactly once

def test_two_runs_in_a_row_send_one_briefing(city, cli_on, robot):
    cli = cli_on(city)
    channel(cli, "企业微信群", f"wecombot://{WECOM_KEY}", "briefing")
    assert push(cli, "2026-12-06T09:00")[0] == 0
    assert push(cli, "2026-12-06T09:00")[0] == 0
    assert push(cli, "2026-12-06T09:05")[0] == 0
    assert kinds_sent(robot.requests) == ["markdown", "image", "upload", "file"]


def test_two_processes_at_the_same_moment_send_one_briefing(city, cli_on, robot):
    cli = cli_on(city)
    channel(cli, "企业微信群", f"wecombot://{WECOM_KEY}", "briefing")
    channel(cli, "钉钉群", f"dingtalk://{DING_SECRET}@{DING_TOKEN}", "briefing")
    env = os.environ | {"ZSDASH_DATABASE_URL": city.url.render_as_string(hide_password=False)}
    runs = [subprocess.Popen([sys.executable, "cli.py", "push", "--due", "--at", "2026-12-06T09:00"], cwd=ROOT,
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [r.communicate(timeout=120) for r in runs]
    assert [r.returncode for r in runs] == [0, 0], outs
    assert sorted(r.path for r in robot.requests) == ["/cgi-bin/webhook/send"] * 3 + [UPLOAD, "/robot/send"]
    sent = sorted(line for out, _ in outs for line in out.splitlines() if line.startswith("已发送"))
    assert sent == ["已发送\t企业微信群\t月度通报\t2026-11", "已发送\t钉钉群\t月度通报\t2026-11"]


def test_a_briefing_sent_by_hand_is_not_sent_again_on_schedule(city, cli_on, robot):
    cli = cli_on(city)
    channel(cli, "企业微信群", f"wecombot://{WECOM_KEY}", "briefing")
    code, out, _ = cli("push", "--now", "briefing", "--period", "2026-11")
    assert code == 0 and out.startswith("已发送\t企业微信群\t月度通报\t2026-11")
    code, out, _ = cli("push", "--now", "briefing", "--period", "2026-11")
    assert code == 0 and out.startswith("此前已发送,未重复发送\t企业微信群")
    assert push(cli, "2026-12-06T09:00")[0] == 0
    assert kinds_sent(robot.requests) == ["markdown", "image", "upload", "file"]
    with city.connect() as conn:
        assert audit.entries(conn, action="push_now")[0]["target"] == "2026年11月通报"


# ---- the clock

def test_nothing_of_a_month_before_its_deadline_then_the_briefing_the_morning_after(city, cli_on, robot):
    cli = cli_on(city)
    channel(cli, "企业微信群", f"wecombot://{WECOM_KEY}", "briefing")
    for at in ("2026-11-30T09:00", "2026-12-05T09:00", "2026-12-05T23:59", "2026-12-06T08:59"):
        assert push(cli, at) == (0, "本次推送:成功0条,失败0条,无需发送0条\n"), at
    assert robot.requests == []
    code, out = push(cli, "2026-12-06T09:00")
    assert out.splitlines()[0] == "已发送\t企业微信群\t月度通报\t2026-11"
    assert "全市2026年1-11月招商引资工作通报" in robot.requests[0].body["markdown"]["content"]


def test_a_moved_deadline_moves_the_briefing(city, cli_on, robot):
    cli = cli_on(city)
    channel(cli, "企业微信群", f"wecombot://{WECOM_KEY}", "briefing")
    assert cli("deadline", "--period", "2026-11", "--on", "2026-12-08")[0] == 0
    assert push(cli, "2026-12-06T09:00")[1].startswith("本次推送:成功0条")
    assert push(cli, "2026-12-09T09:00")[1].startswith("已发送\t企业微信群\t月度通报\t2026-11")


def test_an_old_month_is_not_sent_to_a_new_subscription(city, cli_on, robot):
    cli = cli_on(city)
    channel(cli, "企业微信群", f"wecombot://{WECOM_KEY}", "briefing")
    # 2026-12-20: November's briefing time (12-06 09:00) is more than 72 hours ago
    assert push(cli, "2026-12-20T09:00")[1].startswith("本次推送:成功0条")
    assert robot.requests == []


def test_reminders_name_only_the_regions_not_reported(city, cli_on, robot):
    upload(city, [ledger_row("J1", "甲区", 2, D(2026, 11, 3))], at=dt.datetime(2026, 12, 2, 15, 0))
    cli = cli_on(city)
    channel(cli, "企业微信群", f"wecombot://{WECOM_KEY}", "reminder")
    channel(cli, "乙县群", f"dingtalk://{DING_TOKEN}", "reminder", region="乙县")
    channel(cli, "甲区群", f"json://127.0.0.1:{robot.port}/jia", "reminder", region="甲区")
    assert push(cli, "2026-12-03T08:59")[1].startswith("本次推送:成功0条")
    code, out = push(cli, "2026-12-03T09:00")
    assert code == 0 and out.splitlines()[-1] == "本次推送:成功2条,失败0条,无需发送1条"
    wecom, ding = robot.requests
    assert wecom.body["markdown"]["content"] == (
        "## 2026年11月数据上报提醒\n\n2026年11月招商引资项目台账的上报截止日期为12月5日(2天后截止)。截至12月03日09:00,"
        "尚未上报的县区:乙县、丙县(共2个)。请尽快在“数据上报”页面上传。\n\n> 截止日期 2026-12-05")
    assert "尚未上报的县区:乙县。" in ding.body["markdown"]["text"]  # its own county only
    assert push(cli, "2026-12-04T09:00")[1].startswith("本次推送:成功0条")  # one reminder a day at most
    upload(city, [ledger_row("Y1", "乙县", 1, D(2026, 11, 9))], at=dt.datetime(2026, 12, 4, 10, 0))
    code, out = push(cli, "2026-12-05T09:00")  # the deadline day: 丙县 only; 乙县群 has nothing to hear
    assert out.splitlines()[-1] == "本次推送:成功1条,失败0条,无需发送2条"
    assert "(今天截止)。截至12月05日09:00,尚未上报的县区:丙县。" in robot.requests[-1].body["markdown"]["content"]


def test_an_import_that_turns_a_region_red_alerts_once(city, cli_on, robot):
    cli = cli_on(city)
    channel(cli, "企业微信群", f"wecombot://{WECOM_KEY}", "alert")
    channel(cli, "乙县群", f"dingtalk://{DING_TOKEN}", "alert", region="乙县")
    rows = [ledger_row("J1", "甲区", 16, D(2026, 10, 8))]
    # October: 16 of 20 = 80.00%, 序时进度 83.33%: 3.33 points behind, 黄; and a 10亿 project newly signed
    upload(city, rows, Period(2026, 10))
    code, out = push(cli, "2026-11-02T10:00")
    assert out.splitlines() == ["已发送\t企业微信群\t预警(10亿元以上项目 J1)\t2026-10",
                                "本次推送:成功1条,失败0条,无需发送0条"]
    assert robot.requests[0].body["markdown"]["content"] == (
        "## 新签约10亿元以上项目:J1项目\n\n甲区于2026年10月08日签约J1项目(投资方:J1企业),合同投资额16.00亿元。"
        "\n\n> 数据截至 2026年1-10月")
    # November, nothing new: 80.00% against 91.67%, 11.67 points behind: 红
    upload(city, rows)
    code, out = push(cli, "2026-12-02T10:00")
    assert out.splitlines() == ["已发送\t企业微信群\t预警(红色预警)\t2026-11", "本次推送:成功1条,失败0条,无需发送0条"]
    assert robot.requests[1].body["markdown"]["content"] == (
        "## 红色预警:甲区合同投资额\n\n2026年1-11月,甲区合同投资额完成年度目标的80.00%,低于序时进度11.67个百分点,"
        "由上月的非红色转为红色预警。\n\n> 数据截至 2026年1-11月")
    # a correction of the same month: still red, already told; the 乙县 channel never hears of 甲区
    upload(city, [ledger_row("J1", "甲区", 16.5, D(2026, 10, 8))])
    assert push(cli, "2026-12-02T11:00")[1].startswith("本次推送:成功0条")
    assert [r.path for r in robot.requests] == ["/cgi-bin/webhook/send"] * 2


def test_uploads_before_the_subscription_raise_no_alerts(city, cli_on, robot):
    upload(city, [ledger_row("J1", "甲区", 16, D(2026, 10, 8))], Period(2026, 10))
    cli = cli_on(city)
    channel(cli, "企业微信群", f"wecombot://{WECOM_KEY}", "alert")
    assert push(cli, "2026-11-02T10:00")[1].startswith("本次推送:成功0条")
    with city.connect() as conn:
        assert conn.scalar(select(text("count(*)")).select_from(text("alert_scan"))) == 1
    assert robot.requests == []


def test_secrets_never_reach_the_logs(city, cli_on, robot):
    cli = cli_on(city)
    channel(cli, "钉钉群", f"dingtalk://{DING_SECRET}@{DING_TOKEN}", "briefing")
    robot.status, robot.answer = 500, {"errmsg": f"bad token {DING_TOKEN}"}  # a channel that echoes the key
    code, out = push(cli, "2026-12-06T09:00")
    assert code == 1 and "bad token ****" in out and DING_TOKEN not in out
    code, out, err = cli("channel", "test", "钉钉群")
    assert code == 1 and DING_TOKEN not in err
    with city.connect() as conn:
        stored = repr(conn.execute(text("SELECT answer FROM delivery_attempt")).all()) + \
            repr(conn.execute(text("SELECT before, after FROM audit_log")).all())
    assert DING_TOKEN not in stored and DING_SECRET not in stored and "bad token ****" in stored


def test_channel_test_sends_a_test_message(city, cli_on, robot):
    cli = cli_on(city)
    channel(cli, "企业微信群", f"wecombot://{WECOM_KEY}")
    code, out, _ = cli("channel", "test", "企业微信群")
    assert code == 0 and out.startswith("测试消息已发送")
    assert robot.requests[0].body["markdown"]["content"].startswith("## 招商引资领导驾驶舱测试消息")


def test_the_sign_is_dingtalks_hmac():
    """base64(HMAC-SHA256(secret, "timestamp\\nsecret")), worked out once; its + and = are URL-encoded by the
    request (the robot test above reads the same bytes back from the query string)."""
    from data_access.senders import dingtalk_sign
    assert dingtalk_sign(DING_SECRET, 1700000000000) == "dV0RXHUD72d0VKcnHrBhJ9jhSbDS3HUiduucxO+izso="


def test_a_long_briefing_keeps_its_footer_and_link_in_the_robots_markdown():
    """The robots take 4,096 bytes of markdown: the figures are left out first, the paragraph, the footer
    and the link stay; the mail's text keeps everything."""
    from reports.push import WECOM_MARKDOWN_MAX, _message
    paragraph = "全市" * 500  # 3,000 bytes
    figures = "\n".join(["- 合同投资额:12.34亿元"] * 60)  # 60 × 31 bytes and the line breaks: 1,919 bytes
    link = "https://zsdash.example.gov.cn/?year=2026&month=11"
    message = _message("全市2026年1-11月招商引资工作通报", [paragraph, figures], ["数据截至 2026年1-11月"], link)
    assert message.markdown == (f"## 全市2026年1-11月招商引资工作通报\n\n{paragraph}\n\n> 数据截至 2026年1-11月\n\n"
                                f"[打开驾驶舱查看详情]({link})")
    assert len(message.markdown.encode()) <= WECOM_MARKDOWN_MAX
    assert figures in message.text and message.text.endswith(f"查看驾驶舱:{link}")


def test_the_delivery_log_lists_every_attempt(city, cli_on, robot):
    cli = cli_on(city)
    channel(cli, "接口", f"json://127.0.0.1:{robot.port}/hook", "briefing")
    robot.status = 500
    push(cli, "2026-12-06T09:00")
    robot.status = 200
    push(cli, "2026-12-06T09:10")
    with city.connect() as conn:
        rows = notify.attempts(conn)
    assert [(r["at"], r["ok"], r["status"], r["result"]) for r in rows] == [
        (dt.datetime(2026, 12, 6, 9, 10), True, "sent", "ok"), (dt.datetime(2026, 12, 6, 9, 0), False, "sent", "error")]
    assert json.dumps([r["answer"] for r in rows], ensure_ascii=False).count("500") >= 1
    code, out, _ = cli("deliveries")
    lines = [line.split("\t")[:6] for line in out.splitlines()]
    assert code == 0 and lines == [
        ["2026-12-06 09:10:00", "接口", "月度通报", "2026-11", "全市2026年1-11月招商引资工作通报", "成功"],
        ["2026-12-06 09:00:00", "接口", "月度通报", "2026-11", "全市2026年1-11月招商引资工作通报", "失败"]]
