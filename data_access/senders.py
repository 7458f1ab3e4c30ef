"""Sending one message to one channel: (ok, the channel's answer with its secrets masked).

WeChat Work and DingTalk group robots are sent here, not through apprise: apprise posts them to
the public hosts only (no 政务微信 / 专有钉钉 private deployments: ``wecom_robot_url``,
``dingtalk_robot_url``), counts any HTTP 200 as delivered although both robots answer a wrong key or
signature with 200 and an ``errcode``, and sends WeChat Work text only. Every other scheme (e-mail
over SMTP with attachments, generic JSON webhooks, and apprise's other services) goes through apprise.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

import requests

from data_access import settings
from data_access.notify import plugin, scrub

WECOM_IMAGE_MAX = 2 * 1024 * 1024  # the robot's limit for an image message


@dataclass(frozen=True)
class Attachment:
    name: str
    content: bytes
    mimetype: str


@dataclass(frozen=True)
class Message:
    title: str
    text: str  # plain text (e-mail, webhooks)
    markdown: str  # group robots
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)


def carries(url: str) -> set[str]:
    """The attachments a channel takes: PNG and Word for WeChat Work robots (an image and a file message)
    and for apprise channels that take attachments (e-mail, JSON), none for DingTalk robots."""
    scheme = urlsplit(url).scheme
    if scheme == "wecombot":
        return {"png", "docx"}
    if scheme == "dingtalk":
        return set()
    found = plugin(url)
    return {"png", "docx"} if found is not None and getattr(found, "attachment_support", False) else set()


def send(url: str, message: Message) -> tuple[bool, str]:
    scheme = urlsplit(url).scheme
    try:
        if scheme == "wecombot":
            ok, answer = _wecom(url, message)
        elif scheme == "dingtalk":
            ok, answer = _dingtalk(url, message)
        else:
            ok, answer = _apprise(url, message)
    except requests.Timeout:
        ok, answer = False, f"等待渠道应答超时({settings.get('push_timeout_seconds')}秒)"
    except requests.RequestException as exc:
        ok, answer = False, f"无法连接渠道:{type(exc).__name__}: {exc}"
    return ok, scrub(answer, url)


def _timeout() -> float:
    return float(settings.get("push_timeout_seconds"))


def _host(parts) -> str:
    """The robot's key or token: the URL's host as written (``hostname`` would lower its case)."""
    return unquote(parts.netloc.rsplit("@", 1)[-1].split(":", 1)[0])


def _robot_answer(response: requests.Response) -> tuple[bool, str]:
    """Both robots answer 200 with {"errcode": 0, "errmsg": "ok"} when the message is taken."""
    text = response.text[:500]
    if response.status_code != 200:
        return False, f"HTTP {response.status_code}: {text}"
    try:
        errcode = json.loads(text).get("errcode")
    except (ValueError, AttributeError):
        return False, f"HTTP 200,应答不是JSON: {text}"
    return errcode == 0, f"HTTP 200: {text}"


def _post(endpoint: str, params: dict, payload: dict) -> requests.Response:
    return requests.post(endpoint, params=params, data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
                         headers={"Content-Type": "application/json; charset=utf-8"}, timeout=_timeout())


def _wecom(url: str, message: Message) -> tuple[bool, str]:
    """wecombot://KEY: the markdown message, then the PNG as an image message and any other file (the Word
    月通报) uploaded to the robot (``upload_media``, beside ``send``) and sent as a file message."""
    parts = urlsplit(url)
    key = {"key": _host(parts)}
    endpoint = settings.get("wecom_robot_url")
    ok, answer = _robot_answer(_post(endpoint, key, {"msgtype": "markdown",
                                                     "markdown": {"content": message.markdown}}))
    for item in message.attachments:
        if not ok:
            break
        if item.mimetype == "image/png" and len(item.content) <= WECOM_IMAGE_MAX:
            ok, answer = _robot_answer(_post(endpoint, key, {"msgtype": "image", "image": {
                "base64": base64.b64encode(item.content).decode(), "md5": hashlib.md5(item.content).hexdigest()}}))
        elif item.mimetype != "image/png":
            uploaded = requests.post(endpoint.rsplit("/", 1)[0] + "/upload_media", params=key | {"type": "file"},
                                     files={"media": (item.name, item.content, item.mimetype)}, timeout=_timeout())
            ok, answer = _robot_answer(uploaded)
            media = ok and json.loads(uploaded.text).get("media_id")
            if media:
                ok, answer = _robot_answer(_post(endpoint, key, {"msgtype": "file", "file": {"media_id": media}}))
            elif ok:
                ok, answer = False, f"上传文件后未得到 media_id: {uploaded.text[:300]}"
    return ok, answer


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's 加签: base64(HMAC-SHA256(secret, "timestamp\\nsecret")), sent URL-encoded in the query."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _dingtalk(url: str, message: Message) -> tuple[bool, str]:
    """dingtalk://TOKEN or dingtalk://SECRET@TOKEN (signed): a markdown message."""
    parts = urlsplit(url)
    params = {"access_token": _host(parts)}
    if parts.username:
        stamp = int(time.time() * 1000)
        params |= {"timestamp": stamp, "sign": dingtalk_sign(unquote(parts.username), stamp)}
    return _robot_answer(_post(settings.get("dingtalk_robot_url"), params, {"msgtype": "markdown", "markdown": {
        "title": message.title, "text": message.markdown}}))


def _apprise(url: str, message: Message) -> tuple[bool, str]:
    import apprise
    from apprise.attachment.memory import AttachMemory

    channel = plugin(url)
    if channel is None:
        return False, "无法识别的渠道地址"
    channel.socket_connect_timeout = channel.socket_read_timeout = _timeout()
    attach = apprise.AppriseAttachment()
    if getattr(channel, "attachment_support", False):
        for a in message.attachments:
            attach.add(AttachMemory(content=a.content, name=a.name, mimetype=a.mimetype))
    with apprise.LogCapture(level=logging.INFO) as log:
        ok = channel.notify(body=message.text, title=message.title, body_format=apprise.NotifyFormat.TEXT,
                           attach=attach if len(attach) else None)
        lines = [line.split(" - ", 2)[-1] for line in log.getvalue().splitlines() if line.strip()]
    return bool(ok), ";".join(lines)[-1000:] or ("已发送" if ok else "发送失败")
