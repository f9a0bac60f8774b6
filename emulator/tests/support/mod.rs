//! What the Stream tests share: an emulator serving the project's `spec/`, and requests to its
//! account with the token, read as replies.

use std::path::Path;
use std::time::Duration;

use cloudflare_stream_emulator::{Emulator, EmulatorConfig, seeds};
use reqwest::{Method, StatusCode};
use serde_json::Value;

pub async fn emulator(generation_time: Duration) -> Emulator {
    Emulator::start_with(EmulatorConfig {
        generation_time,
        spec_dir: Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec")),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap_or_else(|e| panic!("the emulator serves spec/: {e}"))
}

pub struct Reply {
    pub status: StatusCode,
    pub content_type: String,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("{e}: {}", self.text))
    }

    /// The result of a 200 success envelope.
    pub fn ok(&self) -> Value {
        assert_eq!(self.status, StatusCode::OK, "{}", self.text);
        self.json()["result"].clone()
    }

    /// The first error code of a failure envelope with `status`.
    pub fn code(&self, status: StatusCode) -> i64 {
        assert_eq!(self.status, status, "{}", self.text);
        self.json()["errors"][0]["code"]
            .as_i64()
            .unwrap_or_default()
    }
}

/// Sends `method` to `/accounts/{account}{path}` with the token and an optional JSON body.
pub async fn call(emulator: &Emulator, method: Method, path: &str, body: Option<Value>) -> Reply {
    let url = format!(
        "{}/accounts/{}{path}",
        emulator.base_url(),
        seeds::ACCOUNT_ID
    );
    let mut request = reqwest::Client::new()
        .request(method, url)
        .bearer_auth(seeds::API_TOKEN);
    if let Some(body) = body {
        request = request.json(&body);
    }
    read(request.send().await.unwrap_or_else(|e| panic!("{e}"))).await
}

pub async fn read(response: reqwest::Response) -> Reply {
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let text = response.text().await.unwrap_or_default();
    Reply {
        status,
        content_type,
        text,
    }
}
