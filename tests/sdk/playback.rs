//! Signed links end to end against the emulator's playback route: a video that requires signed
//! URLs plays with a token the SDK signs locally from a signing key the API made, and not with
//! an expired, forged or wrongly keyed one, nor one an access rule blocks; a token the API's
//! own token endpoint makes plays too.

use std::time::{Duration, SystemTime};

use cloudflare_stream::{
    AccessRules, AccessRulesAction, AccessRulesType, Client, SignedTokenRequest, Stream,
    TokenSigner, VideoUpdate,
};
use cloudflare_stream_emulator::{Emulator, seeds};

use crate::support::stream_emulator;

/// A seeded, ready video.
const VIDEO: &str = seeds::OTHER_VIDEO_IDS[0];

async fn emulator() -> (Emulator, Client) {
    stream_emulator(Duration::ZERO).await
}

/// The status of playing `id` (a video or a token) from the emulator's customer subdomain.
async fn play(emulator: &Emulator, id: &str) -> u16 {
    let origin = emulator.base_url().trim_end_matches("/client/v4");
    // The SDK's own HTTP client settings (its TLS provider), for a request outside the API.
    let http = cloudflare_stream::http_client_builder()
        .expect("the SDK's TLS")
        .build()
        .expect("an HTTP client");
    http.get(format!("{origin}/{id}/manifest/video.m3u8"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .status()
        .as_u16()
}

fn rule(kind: AccessRulesType, action: AccessRulesAction, ip: Option<&str>) -> AccessRules {
    let mut rule = AccessRules::default();
    rule.r#type = Some(kind);
    rule.action = Some(action);
    rule.ip = ip.map(|ip| vec![ip.to_owned()]);
    rule
}

#[tokio::test]
async fn a_signed_video_plays_with_a_valid_token_only() {
    let (emulator, client) = emulator().await;
    let stream = Stream::from(&client);
    // Open to anyone first.
    assert_eq!(play(&emulator, VIDEO).await, 200);
    let mut update = VideoUpdate::default();
    update.require_signed_urls = Some(true);
    stream
        .edit(seeds::ACCOUNT_ID, VIDEO, &update)
        .await
        .expect("edited");
    assert_eq!(play(&emulator, VIDEO).await, 401, "no token, no play");

    let key = stream
        .keys()
        .create(seeds::ACCOUNT_ID)
        .await
        .expect("a key");
    let signer = TokenSigner::from_key(&key).expect("a signer");
    let token = signer.token(VIDEO).sign().expect("signed");
    assert_eq!(play(&emulator, &token).await, 200);

    // Expired, not yet valid, another video's, forged, signed by an unknown key.
    let long_ago = SystemTime::now() - Duration::from_secs(7_200);
    let expired = signer
        .token(VIDEO)
        .expires_in(Duration::from_secs(60))
        .sign_at(long_ago)
        .expect("signed");
    assert_eq!(play(&emulator, &expired).await, 401);
    let later = signer
        .token(VIDEO)
        .not_before(SystemTime::now() + Duration::from_secs(600))
        .sign()
        .expect("signed");
    assert_eq!(play(&emulator, &later).await, 401);
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let other = signer.token(seeds::VIDEO_ID).sign().expect("signed");
    parts[1] = other.split('.').nth(1).expect("claims").to_owned();
    assert_eq!(
        play(&emulator, &parts.join(".")).await,
        401,
        "forged claims"
    );
    let stranger = TokenSigner::from_pem("0".repeat(32), &signer_pem(&key)).expect("a signer");
    assert_eq!(
        play(&emulator, &stranger.token(VIDEO).sign().expect("signed")).await,
        401,
        "a key id the account does not have"
    );

    // Access rules: the first that matches decides.
    let blocked = signer
        .token(VIDEO)
        .access_rules([rule(AccessRulesType::Any, AccessRulesAction::Block, None)])
        .sign()
        .expect("signed");
    assert_eq!(play(&emulator, &blocked).await, 403);
    let allowed_here = signer
        .token(VIDEO)
        .access_rules([
            rule(
                AccessRulesType::IpSrc,
                AccessRulesAction::Allow,
                Some("127.0.0.0/8"),
            ),
            rule(AccessRulesType::Any, AccessRulesAction::Block, None),
        ])
        .sign()
        .expect("signed");
    assert_eq!(play(&emulator, &allowed_here).await, 200);

    // A token from the API's own endpoint plays as well.
    let made = stream
        .token()
        .create(seeds::ACCOUNT_ID, VIDEO, &SignedTokenRequest::default())
        .await
        .expect("a token");
    let made = made.token.expect("a token");
    assert_eq!(play(&emulator, &made).await, 200);
}

/// The key's PEM, as the API answered it.
fn signer_pem(key: &cloudflare_stream::SigningKey) -> String {
    key.pem.clone().expect("a PEM")
}
