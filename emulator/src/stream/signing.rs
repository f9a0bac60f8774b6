//! RS256 as Stream's signed URLs use it: the emulator's own signing key (what `POST .../token`
//! signs with when the request names no key of the account), signing, and verifying a token's
//! signature with the key its `kid` names.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ring::rand::SystemRandom;
use ring::signature::{self, RsaKeyPair};

/// The emulator's own signing key: a test key made for it, public like the emulator, which no
/// real service trusts.
pub(crate) const EMULATOR_KEY_PEM: &str = "-----BEGIN RSA PRIVATE KEY-----
MIIEowIBAAKCAQEAztqx3qybbvaZcUqyHoyXZtPM9PVW8bvT1H0PwG8cZ6WEo6IR
qcwYf3rU78Pl//c6kEZTdj/t049TKp0M4CZaE/TSPeoyyt7QgRSGAiJIbhJS01oO
lR1X7sYmmywsV0ePxGNHi/k0+/Vf7ptRCANzMb6wUTkqPnTeX7LPqBKR9QPm6Fe3
DBsK79dCnZ5fjv7q8S5WV3B0PtIFDONWZ71if/bpcvsibeua3HBRDzjMffz/JG4O
cxwfzFk13EpUjAIDr/vs14s+z3/ZuR/PcLIcPA1dC6gZUTlupNsww2n+neDzr80u
RczmV3ak/zNn7swjjoyF2s9jJPf81EpyJLcIwwIDAQABAoIBABpP/l09Zp40Vytu
nX6+Uon9ei5UwQUJ5/W5HNZVK+9RQjCQbp/DOwCITura5/hp6fStRXOeyTFmo2Uh
yh//MOkl9NJ0ZpagxjQNOMivtLfvs8J3y7ATJfrVENcfRNqrWzHXkSPQhPlh6pyO
/D1BNxeGUqZaV7HPKvRQahLOnetlI6Adn3BSrhsgMMrasxH6W+WcE/mM7CpsGkiV
S6MDLkQyOrSTES+wyMSgT0LIjlteN8GUtCiTIexEodrBPz9RjvHMutKUtHpPIc1H
GpcrIwbDVA7jB8C2tOcY5p2s7OVk1mEIid2wp8nHvpNsjTS1c+sUpiHHhpZTWnRV
c++vwZUCgYEA52ibXWNxIzA6QyprTjKP1iQ1gFRHumvcP8S6eP3NUsDQ1GtJGIP2
jzs533mCPtbOByEOat1WJfLUowS7inmjLU7HsfpVSAJGL1n1xRoDZk8wCJUkP9eG
qXp6wsfLqF9WIcT8HrGQYirLrFqdsx431BRLL5gaEznsZHi8gTyQ880CgYEA5NYY
ZZNJe7j4nmEsh32V8k0C3BLDFwtBag6cG0QsDplQ9DlnZOUPZPp2y+UpQo7kET8K
hgUNKG/w4MxwMDyCHPuF/LNuZ3hYFCY73uDBZ/HMNy0K6nMY5wr31JuXn/sF2DN5
nznA7ml0OQSLXnR2/tYh6nIh5qOiiIl/OTSPfs8CgYBA1PzaMDcNTcC0+phvoxjL
PP/EQViLMRbWws4fgbPZoG2hZaFn/ejA/i3bn1ZPNq0oMCmy5Ony3dKXDYdhZ2zB
D9ZA1cq4zvJM595EZ2JWco8ZiHdMb5yptMfZ9FHpjTQ7Z83e5451AlpnokeWXDv1
7e2Wmv2LL2o8R9tANfDCbQKBgAm9BrrD4tuuCn6K+h8l/AyctGNzNPQ1GWqPBpuu
cgWJBsXt73V+vgH5GrcgoHnhpNkLCsKbUm0HHoQijx+uY4ciORiA9lDW8UCiQ+f/
PpvS0XMDqrRBg6zJbbSRjolTYHNL9YAOMCS1PinzBI9Xe3zq1fSpOMIc8pzG5TAl
CXpHAoGBAORqrqWB1WU8XGgt9JP5AZwUU/kpA6Qggx2XUP7/PAqGrrgzzq0aXRNw
sXMBJEaloe2aNItIlrKJ+xrdTarZLR2OfP0AuaRJQyJ8gzUq5zp4jJLYLZCiZ8+Z
PkEnqiSE9O5msesZWMcmg46H1mfG0iXXcG3I/ChOtL4OKaF2A9uC
-----END RSA PRIVATE KEY-----
";

/// An RSA key, from a signing key's `pem` (the PEM text, or its base64 as the API answers it).
pub(crate) fn key(pem: &str) -> Option<RsaKeyPair> {
    let text = if pem.trim_start().starts_with("-----BEGIN") {
        pem.to_owned()
    } else {
        String::from_utf8(STANDARD.decode(pem.trim()).ok()?).ok()?
    };
    let pkcs8 = text.contains("-----BEGIN PRIVATE KEY-----");
    let body: String = text
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect();
    let der = STANDARD.decode(body.trim()).ok()?;
    if pkcs8 {
        RsaKeyPair::from_pkcs8(&der).ok()
    } else {
        RsaKeyPair::from_der(&der).ok()
    }
}

/// The RS256 signature of `message` with `key`.
pub(crate) fn sign(key: &RsaKeyPair, message: &[u8]) -> Option<Vec<u8>> {
    let mut signature = vec![0; key.public().modulus_len()];
    key.sign(
        &signature::RSA_PKCS1_SHA256,
        &SystemRandom::new(),
        message,
        &mut signature,
    )
    .ok()?;
    Some(signature)
}

/// Whether `signature` is `key`'s RS256 signature of `message`.
pub(crate) fn verify(key: &RsaKeyPair, message: &[u8], signature: &[u8]) -> bool {
    signature::UnparsedPublicKey::new(
        &signature::RSA_PKCS1_2048_8192_SHA256,
        key.public().as_ref(),
    )
    .verify(message, signature)
    .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_emulators_key_signs_and_verifies_and_refuses_a_change() {
        let key = key(EMULATOR_KEY_PEM).expect("the emulator's key parses");
        let signature = sign(&key, b"header.payload").expect("signed");
        assert!(verify(&key, b"header.payload", &signature));
        assert!(!verify(&key, b"header.payloaD", &signature));
        // Its base64, as the API answers a key's `pem`.
        assert!(super::key(&STANDARD.encode(EMULATOR_KEY_PEM)).is_some());
        assert!(super::key("not a key").is_none());
    }
}
