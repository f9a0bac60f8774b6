"""Calls every method under `client.stream` of Cloudflare's official Python SDK
(PyPI `cloudflare`, pinned in requirements.txt) against a Stream API at
$CLOUDFLARE_BASE_URL (normally the local emulator, see ../official-sdks.sh).

One line per case: `PASS name` or `FAIL name: <why>`, then `N passed, M failed`.
A case passes only when the SDK call returns normally AND its result is plausible
(ids echoed, created items fetchable, ...). Always exits 0: the runner decides.

Env: CLOUDFLARE_BASE_URL (required), CLOUDFLARE_API_TOKEN (default emulator-token),
CLOUDFLARE_ACCOUNT_ID (default the emulator's account), OFFICIAL_SDKS_DEBUG=1 to log
every request and response (status + start of the body) to stderr.
Names of things this script creates start with `py-`, so it does not collide with the
TypeScript run against the same emulator; it mutates seeded video 8f2c4e6a... only.
"""

from __future__ import annotations

import base64
import json
import os
import sys
import time
from typing import Any, Callable

import cloudflare
import httpx
from cloudflare import Cloudflare, DefaultHttpxClient

BASE_URL = os.environ.get("CLOUDFLARE_BASE_URL")
if not BASE_URL:
    print("CLOUDFLARE_BASE_URL is not set", file=sys.stderr)
    sys.exit(2)
TOKEN = os.environ.get("CLOUDFLARE_API_TOKEN") or "emulator-token"
ACCOUNT = os.environ.get("CLOUDFLARE_ACCOUNT_ID") or "023e105f4ecef8ad9ca31a8372d0c353"
# A seeded, ready video. Not ea95132c... on purpose: that id is the one in the spec's examples,
# so using it would hide answers that ignore the requested id. The TypeScript run uses 5d5bc37f...
VIDEO = "8f2c4e6a1b3d5f7092a4c6e8b0d2f4a6"
# Seeded videos: never deleted here, even if a create call wrongly echoes one of their ids.
SEEDED = {
    "ea95132c15732412d22c1476fa83f27a",
    "5d5bc37ffcf54c9b82e996823bffbb81",
    VIDEO,
    "0badc0de0badc0de0badc0de0badc0de",
    "c0ffee00c0ffee00c0ffee00c0ffee00",
}
DEBUG = os.environ.get("OFFICIAL_SDKS_DEBUG") == "1"


def _log_request(request: httpx.Request) -> None:
    ctype = request.headers.get("content-type", "")
    body = request.content[:300].decode("utf-8", "replace") if not ctype.startswith("multipart") else "<multipart body>"
    print(f">> {request.method} {request.url} {ctype} {body}", file=sys.stderr)


def _log_response(response: httpx.Response) -> None:
    response.read()
    print(f"<< {response.status_code} {response.headers.get('content-type')} {response.text[:400]}", file=sys.stderr)


http_client = DefaultHttpxClient(event_hooks={"request": [_log_request], "response": [_log_response]}) if DEBUG else None
client = Cloudflare(api_token=TOKEN, base_url=BASE_URL, max_retries=0, timeout=20.0, http_client=http_client)

passed = 0
failed = 0


class CheckError(Exception):
    pass


def check(cond: Any, what: str) -> None:
    if not cond:
        raise CheckError(what)


def short(s: object, n: int = 220) -> str:
    text = " ".join(str(s).split())
    return text[:n] + "..." if len(text) > n else text


def describe(e: BaseException) -> str:
    if isinstance(e, CheckError):
        return f"implausible result: {short(e)}"
    if isinstance(e, cloudflare.APIStatusError):
        errs = getattr(e, "errors", None) or []
        if errs:
            detail = "; ".join(f"{getattr(x, 'code', '')} {getattr(x, 'message', x)}".strip() for x in errs)
        else:
            detail = e.body if e.body is not None else e.message
        return f"{type(e).__name__} {e.status_code}: {short(detail)}"
    return f"{type(e).__name__}: {short(e)}"


def t(name: str) -> Callable[[Callable[[], None]], None]:
    def run(fn: Callable[[], None]) -> None:
        global passed, failed
        try:
            fn()
            passed += 1
            print(f"PASS {name}", flush=True)
        except Exception as e:  # noqa: BLE001 - every failure is a result here
            failed += 1
            print(f"FAIL {name}: {describe(e)}", flush=True)

    return run


def expect_not_found(call: Callable[[], Any], what: str) -> None:
    try:
        call()
    except cloudflare.NotFoundError:
        return
    except Exception as e:  # noqa: BLE001
        raise CheckError(f"{what}: expected 404, got {describe(e)}") from e
    raise CheckError(f"{what}: fetchable (200), expected 404")


def js(x: Any) -> str:
    def plain(v: Any) -> Any:
        return v.to_dict() if hasattr(v, "to_dict") else v

    x = [plain(i) for i in x] if isinstance(x, list) else plain(x)
    return short(json.dumps(x, default=str, ensure_ascii=False), 160)


# A 1x1 transparent PNG, and a tiny WebVTT file.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
VTT = "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nBonjour de py\n"

ids: dict[str, str] = {}
A = ACCOUNT


# ---------------------------------------------------------------- videos
@t("stream.list")
def _() -> None:
    videos = list(client.stream.list(account_id=A))
    ready = ("ea95132c15732412d22c1476fa83f27a", "5d5bc37ffcf54c9b82e996823bffbb81", VIDEO)
    missing = [i for i in ready if not any(v.uid == i for v in videos)]
    check(not missing, f"seeded {missing} not listed ({len(videos)} videos: {[v.uid for v in videos]})")


@t("stream.list(search,limit,asc)")
def _() -> None:
    videos = list(client.stream.list(account_id=A, search="team", limit=10, asc=True))
    # Seeded 8f2c4e6a... is named team-standup.webm.
    check(any(v.uid == VIDEO for v in videos), f"{VIDEO} not found by search: {[v.uid for v in videos]}")


@t("stream.get")
def _() -> None:
    v = client.stream.get(VIDEO, account_id=A)
    check(v is not None and v.uid == VIDEO, f"uid {getattr(v, 'uid', None)}")
    # Seeded as ready to view.
    state = v.status.state if v.status is not None else None
    check(v.ready_to_stream is True and state == "ready", f"not ready: readyToStream {v.ready_to_stream}, state {state}")
    hls = v.playback.hls if v.playback is not None else None
    check(hls and VIDEO in hls, f"playback.hls is for another video: {hls}")


@t("stream.get(unknown id) -> 404")
def _() -> None:
    expect_not_found(lambda: client.stream.get("00000000000000000000000000000000", account_id=A), "unknown video")


@t("stream.edit")
def _() -> None:
    v = client.stream.edit(
        VIDEO, account_id=A, meta={"name": "py-edited"}, require_signed_urls=False, thumbnail_timestamp_pct=0.5
    )
    check(v is not None and v.uid == VIDEO, f"uid {getattr(v, 'uid', None)}")
    check(isinstance(v.meta, dict) and v.meta.get("name") == "py-edited", f"meta {js(v.meta)}")
    again = client.stream.get(VIDEO, account_id=A)
    check(again is not None and (again.meta or {}).get("name") == "py-edited", f"edit not persisted: {js(again.meta)}")


@t("stream.create (tus)")
def _() -> None:
    raw = client.stream.with_raw_response.create(
        account_id=A,
        tus_resumable="1.0.0",
        upload_length=1024,
        upload_metadata="name " + base64.b64encode(b"py-tus.mp4").decode(),
        upload_creator="py-creator",
    )
    raw.parse()
    check(raw.headers.get("location"), f"no Location header (status {raw.status_code})")


@t("stream.create (tus, direct_user)")
def _() -> None:
    raw = client.stream.with_raw_response.create(
        account_id=A, tus_resumable="1.0.0", upload_length=2048, direct_user=True
    )
    raw.parse()
    check(raw.headers.get("location"), f"no Location header (status {raw.status_code})")


@t("stream.copy.create")
def _() -> None:
    v = client.stream.copy.create(
        account_id=A, url="https://example.com/py-copy.mp4", meta={"name": "py-copy"}, upload_creator="py-creator"
    )
    check(v is not None and isinstance(v.uid, str) and v.uid and v.uid not in SEEDED, f"uid {getattr(v, 'uid', None)}")
    ids["copy"] = v.uid  # a new video: stream.delete deletes it
    check(isinstance(v.meta, dict) and v.meta.get("name") == "py-copy", f"meta not echoed: {js(v.meta)}")
    got = client.stream.get(v.uid, account_id=A)
    check(got is not None and got.uid == v.uid, f"copied video not fetchable: {js(got)}")


@t("stream.clip.create")
def _() -> None:
    v = client.stream.clip.create(
        account_id=A,
        clipped_from_video_uid=VIDEO,
        start_time_seconds=0,
        end_time_seconds=5,
        meta={"name": "py-clip"},
    )
    check(v is not None and isinstance(v.uid, str) and v.uid and v.uid not in SEEDED, f"uid {getattr(v, 'uid', None)}")
    # Not a field of the SDK's Video model; kept as an extra attribute under its JSON name.
    source = getattr(v, "clippedFromVideoUID", None)
    check(source == VIDEO, f"clippedFromVideoUID {source}")
    check(isinstance(v.meta, dict) and v.meta.get("name") == "py-clip", f"meta not echoed: {js(v.meta)}")
    got = client.stream.get(v.uid, account_id=A)
    check(got is not None and got.uid == v.uid, f"clip not fetchable: {js(got)}")


@t("stream.direct_upload.create")
def _() -> None:
    r = client.stream.direct_upload.create(
        account_id=A, max_duration_seconds=60, meta={"name": "py-direct"}, upload_creator="py-creator"
    )
    check(r is not None and isinstance(r.uid, str) and r.uid and r.uid not in SEEDED, f"uid {getattr(r, 'uid', None)}")
    check(isinstance(r.upload_url, str) and r.upload_url.startswith("http"), f"uploadURL {r.upload_url}")
    got = client.stream.get(r.uid, account_id=A)
    check(got is not None and got.uid == r.uid, f"direct-upload video not fetchable: {js(got)}")


@t("stream.delete")
def _() -> None:
    check(ids.get("copy"), "no new video from stream.copy.create to delete")
    r = client.stream.delete(ids["copy"], account_id=A)
    check(r is None, f"result {js(r)}")
    expect_not_found(lambda: client.stream.get(ids["copy"], account_id=A), "deleted video")


@t("stream.videos.storage_usage")
def _() -> None:
    u = client.stream.videos.storage_usage(account_id=A)
    check(u is not None and isinstance(u.total_storage_minutes, (int, float)), f"totalStorageMinutes {js(u)}")
    check(isinstance(u.video_count, int) and u.video_count >= 1, f"videoCount {u.video_count}")


@t("stream.videos.storage_usage(creator)")
def _() -> None:
    u = client.stream.videos.storage_usage(account_id=A, creator="py-creator")
    check(u is not None and u.creator == "py-creator", f"creator not echoed: {js(u)}")


# ---------------------------------------------------------------- signing keys
@t("stream.keys.create")
def _() -> None:
    k = client.stream.keys.create(account_id=A)
    check(k is not None and isinstance(k.id, str) and k.id, f"no id: {js(k)}")
    ids["key"] = k.id
    check(isinstance(k.pem, str) and isinstance(k.jwk, str), f"pem/jwk missing: {js(k)}")


@t("stream.keys.get")
def _() -> None:
    keys = list(client.stream.keys.get(account_id=A))
    check(any(k.id == ids.get("key") for k in keys), f"created key {ids.get('key')} not listed: {js(keys)}")


@t("stream.keys.delete")
def _() -> None:
    check(ids.get("key"), "no key from stream.keys.create")
    r = client.stream.keys.delete(ids["key"], account_id=A)
    check(isinstance(r, str), f"result {js(r)}")
    keys = list(client.stream.keys.get(account_id=A))
    check(not any(k.id == ids["key"] for k in keys), "key still listed after delete")


# ---------------------------------------------------------------- live inputs + outputs
@t("stream.live_inputs.create")
def _() -> None:
    li = client.stream.live_inputs.create(
        account_id=A,
        meta={"name": "py-live"},
        recording={"mode": "automatic", "timeout_seconds": 10},
        delete_recording_after_days=45,
        default_creator="py-creator",
    )
    check(li is not None and isinstance(li.uid, str) and li.uid, f"no uid: {js(li)}")
    check(li.rtmps is not None and li.rtmps.url, f"no rtmps: {js(li)}")
    ids["live"] = li.uid


@t("stream.live_inputs.get")
def _() -> None:
    li = client.stream.live_inputs.get(ids.get("live", "missing"), account_id=A)
    check(li is not None and li.uid == ids.get("live"), f"uid {getattr(li, 'uid', None)}")
    check(isinstance(li.meta, dict) and li.meta.get("name") == "py-live", f"meta {js(li.meta)}")


@t("stream.live_inputs.update")
def _() -> None:
    li = client.stream.live_inputs.update(
        ids.get("live", "missing"), account_id=A, meta={"name": "py-live-updated"}, enabled=False
    )
    check(li is not None and li.uid == ids.get("live"), f"uid {getattr(li, 'uid', None)}")
    check(isinstance(li.meta, dict) and li.meta.get("name") == "py-live-updated", f"meta {js(li.meta)}")


@t("stream.live_inputs.list")
def _() -> None:
    r = client.stream.live_inputs.list(account_id=A, include_counts=True)
    check(r is not None and isinstance(r.live_inputs, list), f"liveInputs {js(r)}")
    check(any(li.uid == ids.get("live") for li in r.live_inputs), f"created {ids.get('live')} not listed")


@t("stream.live_inputs.outputs.create")
def _() -> None:
    o = client.stream.live_inputs.outputs.create(
        ids.get("live", "missing"),
        account_id=A,
        url="rtmp://a.rtmp.youtube.com/live2",
        stream_key="py-stream-key",
        enabled=True,
    )
    check(o is not None and isinstance(o.uid, str) and o.uid, f"no uid: {js(o)}")
    ids["output"] = o.uid
    check(o.stream_key == "py-stream-key", f"streamKey {o.stream_key}")


@t("stream.live_inputs.outputs.list")
def _() -> None:
    outs = list(client.stream.live_inputs.outputs.list(ids.get("live", "missing"), account_id=A))
    check(any(o.uid == ids.get("output") for o in outs), f"created output not listed: {js(outs)}")


@t("stream.live_inputs.outputs.update")
def _() -> None:
    o = client.stream.live_inputs.outputs.update(
        ids.get("output", "missing"), account_id=A, live_input_identifier=ids.get("live", "missing"), enabled=False
    )
    check(o is not None and o.uid == ids.get("output"), f"uid {getattr(o, 'uid', None)}")
    check(o.enabled is False, f"enabled {o.enabled}")


@t("stream.live_inputs.outputs.delete")
def _() -> None:
    client.stream.live_inputs.outputs.delete(
        ids.get("output", "missing"), account_id=A, live_input_identifier=ids.get("live", "missing")
    )
    outs = list(client.stream.live_inputs.outputs.list(ids.get("live", "missing"), account_id=A))
    check(not any(o.uid == ids.get("output") for o in outs), "output still listed after delete")


@t("stream.live_inputs.delete")
def _() -> None:
    check(ids.get("live"), "no live input from create")
    client.stream.live_inputs.delete(ids["live"], account_id=A)
    expect_not_found(lambda: client.stream.live_inputs.get(ids["live"], account_id=A), "deleted live input")


# ---------------------------------------------------------------- watermarks
@t("stream.watermarks.create (url)")
def _() -> None:
    w = client.stream.watermarks.create(
        account_id=A,
        url="https://example.com/py-watermark.png",
        name="py-wm-url",
        opacity=0.75,
        padding=0.1,
        position="upperLeft",
        scale=0.2,
    )
    check(w is not None and isinstance(w.uid, str) and w.uid, f"no uid: {js(w)}")
    ids["wm_url"] = w.uid
    check(w.name == "py-wm-url", f"name {w.name}")


@t("client.post watermarks (file; the typed create has no file param)")
def _() -> None:
    r = client.post(
        f"/accounts/{A}/stream/watermarks",
        cast_to=object,
        body={"name": "py-wm-file", "position": "lowerRight"},
        files=[("file", ("py-watermark.png", PNG, "image/png"))],
        options={"headers": {"Content-Type": "multipart/form-data"}},
    )
    w = r.get("result") if isinstance(r, dict) else None
    check(isinstance(w, dict) and w.get("uid"), f"no uid: {short(r, 160)}")
    ids["wm_file"] = w["uid"]
    check(w.get("name") == "py-wm-file", f"name {w.get('name')}")


@t("stream.watermarks.list")
def _() -> None:
    ws = list(client.stream.watermarks.list(account_id=A))
    want = [ids[k] for k in ("wm_url", "wm_file") if k in ids]
    check(want, "no watermark was created")
    check(all(any(w.uid == i for w in ws) for i in want), f"created {want} not all listed: {[w.uid for w in ws]}")


@t("stream.watermarks.get")
def _() -> None:
    wid = ids.get("wm_url") or ids.get("wm_file")
    check(wid, "no watermark was created")
    w = client.stream.watermarks.get(wid, account_id=A)
    check(w is not None and w.uid == wid, f"uid {getattr(w, 'uid', None)}")


@t("stream.watermarks.delete")
def _() -> None:
    wid = ids.get("wm_url") or ids.get("wm_file")
    check(wid, "no watermark was created")
    r = client.stream.watermarks.delete(wid, account_id=A)
    check(isinstance(r, str), f"result {js(r)}")
    expect_not_found(lambda: client.stream.watermarks.get(wid, account_id=A), "deleted watermark")


# ---------------------------------------------------------------- webhooks
@t("stream.webhooks.update")
def _() -> None:
    # body_notification_url_2 is sent as `notificationUrl` (the _1 variant as `notification_url`).
    w = client.stream.webhooks.update(account_id=A, body_notification_url_2="https://example.com/py-webhook")
    check(w is not None and w.notification_url == "https://example.com/py-webhook", f"notificationUrl {js(w)}")
    check(isinstance(w.secret, str) and w.secret, f"secret {w.secret}")


@t("stream.webhooks.get")
def _() -> None:
    w = client.stream.webhooks.get(account_id=A)
    check(w is not None and w.notification_url == "https://example.com/py-webhook", f"notificationUrl {js(w)}")


@t("stream.webhooks.delete")
def _() -> None:
    r = client.stream.webhooks.delete(account_id=A)
    check(isinstance(r, str), f"result {js(r)}")


# ---------------------------------------------------------------- captions
@t("stream.captions.language.update (upload)")
def _() -> None:
    c = client.stream.captions.language.update("fr", account_id=A, identifier=VIDEO, file=VTT)
    check(c is not None and c.language == "fr", f"language {js(c)}")
    check(c.generated is not True, f"uploaded caption reported as AI-generated: {js(c)}")


@t("stream.captions.get")
def _() -> None:
    cs = list(client.stream.captions.get(VIDEO, account_id=A))
    check(any(c.language == "fr" for c in cs), f"uploaded 'fr' not listed: {js(cs)}")


@t("stream.captions.language.get")
def _() -> None:
    c = client.stream.captions.language.get("fr", account_id=A, identifier=VIDEO)
    check(c is not None and c.language == "fr", f"language {js(c)}")
    check(c.generated is not True, f"uploaded caption reported as AI-generated: {js(c)}")


@t("stream.captions.language.vtt.get")
def _() -> None:
    s = client.stream.captions.language.vtt.get("fr", account_id=A, identifier=VIDEO)
    check(isinstance(s, str) and s.startswith("WEBVTT"), f"not WebVTT: {short(s, 160)}")


@t("stream.captions.language.create (generate)")
def _() -> None:
    c = client.stream.captions.language.create("it", account_id=A, identifier=VIDEO)
    check(c is not None and c.language == "it", f"language {js(c)}")
    check(c.generated is True, f"generated {c.generated}")


@t("stream.captions.language.delete")
def _() -> None:
    r = client.stream.captions.language.delete("fr", account_id=A, identifier=VIDEO)
    check(isinstance(r, str), f"result {js(r)}")
    expect_not_found(
        lambda: client.stream.captions.language.get("fr", account_id=A, identifier=VIDEO), "deleted caption"
    )


# ---------------------------------------------------------------- downloads
@t("stream.downloads.create")
def _() -> None:
    d = client.stream.downloads.create(VIDEO, account_id=A)
    check(d is not None and d.default is not None and isinstance(d.default.status, str), f"default {js(d)}")


@t("stream.downloads.get")
def _() -> None:
    d = client.stream.downloads.get(VIDEO, account_id=A)
    check(d is not None and d.default is not None and isinstance(d.default.status, str), f"default {js(d)}")


@t("stream.downloads.delete")
def _() -> None:
    r = client.stream.downloads.delete(VIDEO, account_id=A)
    check(isinstance(r, str), f"result {js(r)}")


# ---------------------------------------------------------------- embed, token
@t("stream.embed.get")
def _() -> None:
    s = client.stream.embed.get(VIDEO, account_id=A)
    check(isinstance(s, str) and s.lstrip().startswith("<"), f"not HTML: {short(s, 160)}")
    check(VIDEO in s, f"HTML does not mention {VIDEO}: {short(s, 160)}")


@t("stream.token.create")
def _() -> None:
    r = client.stream.token.create(
        VIDEO,
        account_id=A,
        exp=int(time.time()) + 3600,
        downloadable=True,
        access_rules=[{"type": "any", "action": "allow"}],
    )
    check(r is not None and isinstance(r.token, str) and r.token.count(".") == 2, f"token {js(r)}")
    payload = r.token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    check(claims.get("sub") == VIDEO, f"token is for {claims.get('sub')}, not {VIDEO}")


# ---------------------------------------------------------------- audio tracks
@t("stream.audio_tracks.copy")
def _() -> None:
    a = client.stream.audio_tracks.copy(VIDEO, account_id=A, label="py-dub", url="https://example.com/py-dub.mp3")
    check(a is not None and isinstance(a.uid, str) and a.uid, f"no uid: {js(a)}")
    ids["audio"] = a.uid
    check(a.label == "py-dub", f"label {a.label}")


@t("stream.audio_tracks.get")
def _() -> None:
    r = client.stream.audio_tracks.get(VIDEO, account_id=A)
    # Typed as {audio: [...]}; a bare list would not decode into that model.
    check(r is not None and isinstance(r.audio, list), f"no `audio` list: {short(r, 160)}")
    check(any(a.uid == ids.get("audio") for a in r.audio), f"copied track {ids.get('audio')} not listed")


@t("stream.audio_tracks.edit")
def _() -> None:
    check(ids.get("audio"), "no audio track from copy")
    a = client.stream.audio_tracks.edit(ids["audio"], account_id=A, identifier=VIDEO, label="py-dub-renamed")
    check(a is not None and a.uid == ids["audio"], f"uid {getattr(a, 'uid', None)}")
    check(a.label == "py-dub-renamed", f"label {a.label}")


@t("stream.audio_tracks.delete")
def _() -> None:
    check(ids.get("audio"), "no audio track from copy")
    r = client.stream.audio_tracks.delete(ids["audio"], account_id=A, identifier=VIDEO)
    check(isinstance(r, str), f"result {js(r)}")


print(f"{passed} passed, {failed} failed")
