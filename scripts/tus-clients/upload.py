"""Uploads to the Stream API at $CLOUDFLARE_BASE_URL (normally the local emulator, see
../tus-clients.sh) with tuspy, an independent tus client (pinned in requirements.txt): a file of
two chunks through tus creation, then the upload service. Passes when the emulator holds every
byte, proven by its SHA-256 (GET /__emulator/uploads/{video}). Prints `PASS name` or
`FAIL name: why`, then `N passed, M failed`; always exits 0."""

import hashlib
import io
import json
import os
import urllib.parse
import urllib.request

from tusclient import client

base = os.environ["CLOUDFLARE_BASE_URL"]
token = os.environ.get("CLOUDFLARE_API_TOKEN", "emulator-token")
account = os.environ.get("CLOUDFLARE_ACCOUNT_ID", "023e105f4ecef8ad9ca31a8372d0c353")
parsed = urllib.parse.urlparse(base)
origin = f"{parsed.scheme}://{parsed.netloc}"

CHUNK = 5 * 1024 * 1024
data = bytes((i * 17 + (i >> 11)) % 241 for i in range(CHUNK + 3_001))
digest = hashlib.sha256(data).hexdigest()

NAME = "tuspy uploads two chunks byte for byte"
passed = failed = 0
try:
    tus = client.TusClient(
        f"{base}/accounts/{account}/stream", headers={"Authorization": f"Bearer {token}"}
    )
    uploader = tus.uploader(
        file_stream=io.BytesIO(data), chunk_size=CHUNK, metadata={"name": "tuspy.mp4"}
    )
    uploader.upload()
    video = urllib.parse.urlparse(uploader.url).path.rsplit("/", 1)[-1]
    with urllib.request.urlopen(f"{origin}/__emulator/uploads/{video}") as response:
        state = json.load(response)
    if state["sha256"] == digest and state["offset"] == len(data) and state["received"] == len(data):
        passed += 1
        print(f"PASS {NAME}")
    else:
        failed += 1
        print(f"FAIL {NAME}: {state}")
except Exception as error:  # noqa: BLE001 - any failure is this case's
    failed += 1
    print(f"FAIL {NAME}: {error!r}")
print(f"{passed} passed, {failed} failed")
