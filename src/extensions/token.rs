//! Signed playback links, signed here: a video that requires signed URLs plays with a token, an
//! RS256 JWT naming the video (`sub`), the signing key (`kid`), when it expires (`exp`) and
//! may start (`nbf`), and what it allows (`accessRules`, `downloadable`). Cloudflare's token
//! endpoint makes one per request, and is meant for tests or fewer than 1,000 tokens a day;
//! [`TokenSigner`] makes them locally from a signing key (`stream().keys().create(...)`
//! answers its `id` and `pem`), as many as needed, with no request.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};

use crate::AccessRules;
use crate::crypto::RsaKey;

/// How long a token is valid unless told otherwise: an hour, as Cloudflare's tokens are.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);

/// Signs playback tokens with one signing key.
///
/// ```
/// use std::time::Duration;
/// use cloudflare_stream::{SigningKey, TokenSigner};
///
/// fn link(key: &SigningKey, video: &str) -> Result<String, cloudflare_stream::TokenError> {
///     let signer = TokenSigner::from_key(key)?; // as `stream().keys().create(account)` answers it
///     let token = signer.token(video).expires_in(Duration::from_secs(600)).sign()?;
///     Ok(format!("https://customer-<code>.cloudflarestream.com/{token}/manifest/video.m3u8"))
/// }
/// # let _ = link;
/// ```
pub struct TokenSigner {
    key_id: String,
    key: RsaKey,
}

impl std::fmt::Debug for TokenSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The private key is never shown.
        f.debug_struct("TokenSigner")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

/// Why a token could not be made.
#[derive(Debug)]
#[non_exhaustive]
pub enum TokenError {
    /// The signing key has no ID or no PEM (a listed key has neither: only a created one does).
    Incomplete(&'static str),
    /// The PEM is not an RSA private key.
    Key(String),
    /// The key could not sign.
    Sign(String),
}

impl std::fmt::Display for TokenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Incomplete(what) => write!(
                f,
                "the signing key has no {what}: only the answer of creating a key carries it"
            ),
            Self::Key(why) => write!(f, "the signing key's PEM is not an RSA private key: {why}"),
            Self::Sign(why) => write!(f, "the signing key could not sign: {why}"),
        }
    }
}

impl std::error::Error for TokenError {}

impl TokenSigner {
    /// A signer with the key `key_id` whose private key is `pem`: PEM text (`-----BEGIN RSA
    /// PRIVATE KEY-----`, or PKCS#8 `PRIVATE KEY`), or that text in base64, as Cloudflare
    /// answers it.
    pub fn from_pem(key_id: impl Into<String>, pem: &str) -> Result<Self, TokenError> {
        let pem = pem.trim();
        let text = if pem.starts_with("-----BEGIN") {
            pem.to_owned()
        } else {
            let decoded = STANDARD
                .decode(pem)
                .map_err(|e| TokenError::Key(format!("neither PEM nor base64 of one ({e})")))?;
            String::from_utf8(decoded)
                .map_err(|_| TokenError::Key("base64 of something that is not PEM".into()))?
        };
        let (label, der) = pem_body(&text)?;
        let pkcs8 = match label {
            "RSA PRIVATE KEY" => false,
            "PRIVATE KEY" => true,
            other => return Err(TokenError::Key(format!("a `{other}`, not a private key"))),
        };
        Ok(Self {
            key_id: key_id.into(),
            key: RsaKey::from_der(&der, pkcs8).map_err(TokenError::Key)?,
        })
    }

    /// A signer with the private key of the JWK `jwk` (an RSA key with `kid`, `n`, `e`, `d`,
    /// `p`, `q`, `dp`, `dq`, `qi`): JSON, or that JSON in base64, as Cloudflare answers it. The
    /// key's ID is the JWK's `kid`.
    pub fn from_jwk(jwk: &str) -> Result<Self, TokenError> {
        let jwk = jwk.trim();
        let json = if jwk.starts_with('{') {
            jwk.as_bytes().to_vec()
        } else {
            STANDARD
                .decode(jwk)
                .map_err(|e| TokenError::Key(format!("neither a JWK nor base64 of one ({e})")))?
        };
        let jwk: Value = serde_json::from_slice(&json)
            .map_err(|e| TokenError::Key(format!("the JWK is not JSON ({e})")))?;
        if jwk["kty"] != "RSA" {
            return Err(TokenError::Key("the JWK is not an RSA key (`kty`)".into()));
        }
        let member = |name: &'static str| -> Result<Vec<u8>, TokenError> {
            let text = jwk[name]
                .as_str()
                .ok_or_else(|| TokenError::Key(format!("the JWK has no `{name}`")))?;
            URL_SAFE_NO_PAD
                .decode(text.trim_end_matches('='))
                .map_err(|e| TokenError::Key(format!("the JWK's `{name}` is not base64url ({e})")))
        };
        let key_id = jwk["kid"]
            .as_str()
            .ok_or(TokenError::Incomplete("kid"))?
            .to_owned();
        let (n, e) = (member("n")?, member("e")?);
        let private = ["d", "p", "q", "dp", "dq", "qi"].map(member);
        let [d, p, q, d_p, d_q, q_inv] = private;
        let (d, p, q, d_p, d_q, q_inv) = (d?, p?, q?, d_p?, d_q?, q_inv?);
        let key = RsaKey::from_components([&n, &e], [&d, &p, &q, &d_p, &d_q, &q_inv])
            .map_err(TokenError::Key)?;
        Ok(Self { key_id, key })
    }

    /// A signer with the key `keys().create(...)` answered: its `id` and `pem`, or its `jwk`.
    pub fn from_key(key: &crate::SigningKey) -> Result<Self, TokenError> {
        let id = key.id.as_deref().ok_or(TokenError::Incomplete("id"))?;
        match (key.pem.as_deref(), key.jwk.as_deref()) {
            (Some(pem), _) => Self::from_pem(id, pem),
            (None, Some(jwk)) => {
                let signer = Self::from_jwk(jwk)?;
                Ok(Self {
                    key_id: id.to_owned(),
                    key: signer.key,
                })
            }
            (None, None) => Err(TokenError::Incomplete("pem")),
        }
    }

    /// The ID of the key, which every token names.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// A token for `video`, to be given its limits, then signed.
    pub fn token<'s>(&'s self, video: &str) -> Token<'s> {
        Token {
            signer: self,
            video: video.to_owned(),
            expires_in: DEFAULT_LIFETIME,
            not_before: None,
            access_rules: Vec::new(),
            downloadable: None,
        }
    }
}

/// A token being made: what it allows, before it is signed.
#[derive(Debug, Clone)]
#[must_use = "a token is made by `sign`"]
pub struct Token<'s> {
    signer: &'s TokenSigner,
    video: String,
    expires_in: Duration,
    not_before: Option<SystemTime>,
    access_rules: Vec<AccessRules>,
    downloadable: Option<bool>,
}

impl Token<'_> {
    /// How long the token is valid from when it is signed (default an hour).
    pub fn expires_in(mut self, lifetime: Duration) -> Self {
        self.expires_in = lifetime;
        self
    }

    /// When the token starts to be valid (default: as soon as it is signed).
    pub fn not_before(mut self, time: SystemTime) -> Self {
        self.not_before = Some(time);
        self
    }

    /// Who may play with it: the rules are read in order, the first that matches decides
    /// (`{type: "ip.geoip.country", country: ["US"], action: "allow"}`, then `{type: "any",
    /// action: "block"}`).
    pub fn access_rules(mut self, rules: impl IntoIterator<Item = AccessRules>) -> Self {
        self.access_rules = rules.into_iter().collect();
        self
    }

    /// Whether the token also allows the MP4 downloads of the video.
    pub fn downloadable(mut self, downloadable: bool) -> Self {
        self.downloadable = Some(downloadable);
        self
    }

    /// The token, signed now.
    pub fn sign(self) -> Result<String, TokenError> {
        self.sign_at(SystemTime::now())
    }

    /// The token, signed at `now` (its expiry counted from then).
    pub fn sign_at(self, now: SystemTime) -> Result<String, TokenError> {
        let seconds = |time: SystemTime| {
            time.duration_since(UNIX_EPOCH)
                .map_or(0, |since| since.as_secs())
        };
        let header = json!({"alg": "RS256", "kid": self.signer.key_id, "typ": "JWT"});
        let mut claims = json!({
            "sub": self.video,
            "kid": self.signer.key_id,
            "exp": seconds(now + self.expires_in),
            "nbf": seconds(self.not_before.unwrap_or(now)),
        });
        if !self.access_rules.is_empty() {
            claims["accessRules"] =
                serde_json::to_value(&self.access_rules).unwrap_or(Value::Array(Vec::new()));
        }
        if let Some(downloadable) = self.downloadable {
            claims["downloadable"] = Value::Bool(downloadable);
        }
        let signed = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature = self
            .signer
            .key
            .sign(signed.as_bytes())
            .map_err(TokenError::Sign)?;
        Ok(format!("{signed}.{}", URL_SAFE_NO_PAD.encode(signature)))
    }
}

/// The label and the DER of the first PEM block of `text`.
fn pem_body(text: &str) -> Result<(&str, Vec<u8>), TokenError> {
    let missing = || TokenError::Key("no `-----BEGIN ...-----` block".into());
    let start = text.find("-----BEGIN ").ok_or_else(missing)?;
    let rest = &text[start + "-----BEGIN ".len()..];
    let (label, rest) = rest.split_once("-----").ok_or_else(missing)?;
    let end = format!("-----END {label}-----");
    let (body, _) = rest
        .split_once(end.as_str())
        .ok_or_else(|| TokenError::Key(format!("no `{end}`")))?;
    let base64: String = body.split_whitespace().collect();
    let der = STANDARD
        .decode(base64)
        .map_err(|e| TokenError::Key(format!("the PEM body is not base64 ({e})")))?;
    Ok((label, der))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AccessRulesAction, AccessRulesType};

    /// The example signing key of Cloudflare's schema (`spec/stream.keys.yaml`, `Pem`): base64
    /// of a PKCS#1 PEM, as `keys().create(...)` answers it.
    fn example_pem() -> &'static str {
        let spec = include_str!("../../spec/stream.keys.yaml");
        let at = spec
            .find("    Pem:")
            .unwrap_or_else(|| panic!("no Pem in the spec"));
        spec[at..]
            .lines()
            .find_map(|line| line.trim().strip_prefix("example: "))
            .unwrap_or_else(|| panic!("no example PEM"))
    }

    fn part(token: &str, index: usize) -> Value {
        let text = token.split('.').nth(index).unwrap_or_default();
        let bytes = URL_SAFE_NO_PAD
            .decode(text)
            .unwrap_or_else(|e| panic!("{e}"));
        serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_token_names_the_video_and_key_expires_and_verifies_with_the_public_key() {
        let signer = TokenSigner::from_pem("8f926b2f01d383dee2e0d1e6f8bc5ccb", example_pem())
            .unwrap_or_else(|e| panic!("{e}"));
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let rules = [
            AccessRules {
                r#type: Some(AccessRulesType::IpGeoipCountry),
                country: Some(vec!["US".into()]),
                action: Some(AccessRulesAction::Allow),
                ..AccessRules::default()
            },
            AccessRules {
                r#type: Some(AccessRulesType::Any),
                action: Some(AccessRulesAction::Block),
                ..AccessRules::default()
            },
        ];
        let token = signer
            .token("ea95132c15732412d22c1476fa83f27a")
            .expires_in(Duration::from_secs(600))
            .access_rules(rules)
            .downloadable(true)
            .sign_at(now)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            part(&token, 0),
            json!({"alg": "RS256", "kid": "8f926b2f01d383dee2e0d1e6f8bc5ccb", "typ": "JWT"})
        );
        assert_eq!(
            part(&token, 1),
            json!({
                "sub": "ea95132c15732412d22c1476fa83f27a",
                "kid": "8f926b2f01d383dee2e0d1e6f8bc5ccb",
                "exp": 1_700_000_600,
                "nbf": 1_700_000_000,
                "accessRules": [
                    {"type": "ip.geoip.country", "country": ["US"], "action": "allow"},
                    {"type": "any", "action": "block"}
                ],
                "downloadable": true
            })
        );
        let (signed, signature) = token.rsplit_once('.').unwrap_or_default();
        let signature = URL_SAFE_NO_PAD.decode(signature).unwrap_or_default();
        let public = signer.key.public_der();
        assert!(crate::crypto::verify_rs256(
            &public,
            signed.as_bytes(),
            &signature
        ));
        // Another token's body under this signature is not valid.
        let forged = signed.replacen('.', ".e30", 1);
        assert!(!crate::crypto::verify_rs256(
            &public,
            forged.as_bytes(),
            &signature
        ));
    }

    #[test]
    fn a_jwk_signs_as_its_pem_does() {
        let spec = include_str!("../../spec/stream.keys.yaml");
        let at = spec
            .find("    Jwk:")
            .unwrap_or_else(|| panic!("no Jwk in the spec"));
        let jwk = spec[at..]
            .lines()
            .find_map(|line| line.trim().strip_prefix("example: "))
            .unwrap_or_else(|| panic!("no example JWK"));
        let signer = TokenSigner::from_jwk(jwk).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(signer.key_id(), "5213cfa121f70b8c1380686ffc371ba3");
        let token = signer
            .token("ea95132c15732412d22c1476fa83f27a")
            .sign()
            .unwrap_or_else(|e| panic!("{e}"));
        let (signed, signature) = token.rsplit_once('.').unwrap_or_default();
        let signature = URL_SAFE_NO_PAD.decode(signature).unwrap_or_default();
        // The same key as the example PEM: its public key verifies the JWK's signature.
        let pem = TokenSigner::from_pem("k", example_pem()).unwrap_or_else(|e| panic!("{e}"));
        assert!(crate::crypto::verify_rs256(
            &pem.key.public_der(),
            signed.as_bytes(),
            &signature
        ));
        assert!(TokenSigner::from_jwk(r#"{"kty": "EC"}"#).is_err());
    }

    #[test]
    fn keys_that_are_not_rsa_private_keys_are_refused_saying_why() {
        for (pem, why) in [
            ("not base64 at all!", "neither PEM nor base64"),
            (
                "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
                "not a private key",
            ),
            (
                "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n",
                "no `-----END RSA PRIVATE KEY-----`",
            ),
            (
                "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----",
                "RSA private key",
            ),
        ] {
            let error = TokenSigner::from_pem("k", pem)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(error.contains(why), "{pem}: {error}");
        }
        let listed = crate::SigningKey::default();
        assert!(matches!(
            TokenSigner::from_key(&listed),
            Err(TokenError::Incomplete("id"))
        ));
        let signer = TokenSigner::from_pem("k", example_pem()).unwrap_or_else(|e| panic!("{e}"));
        assert!(!format!("{signer:?}").contains("PRIVATE"));
    }
}
