//! The cryptography of the workflows (webhook signatures, playback tokens): the library the
//! TLS already uses, aws-lc-rs when its feature is on, else ring. Both have the same `hmac` and
//! RSA signing API (but for one name, handled here), so the code above this module is written
//! once.

#[cfg(feature = "aws-lc-rs")]
use aws_lc_rs as provider;
#[cfg(not(feature = "aws-lc-rs"))]
use ring as provider;

pub(crate) use provider::hmac;
use provider::rand::SystemRandom;
use provider::signature::{RSA_PKCS1_SHA256, RsaKeyPair};

/// An RSA private key that signs with RS256 (RSASSA-PKCS1-v1_5 with SHA-256).
pub(crate) struct RsaKey(RsaKeyPair);

impl RsaKey {
    /// From DER: PKCS#1 (`RSA PRIVATE KEY`) or PKCS#8 (`PRIVATE KEY`).
    pub(crate) fn from_der(der: &[u8], pkcs8: bool) -> Result<Self, String> {
        let key = if pkcs8 {
            RsaKeyPair::from_pkcs8(der)
        } else {
            RsaKeyPair::from_der(der)
        };
        key.map(Self).map_err(|e| e.to_string())
    }

    /// From its components, big-endian: the modulus and public exponent, then the private
    /// exponent, the primes `p` and `q`, the CRT exponents `dP` and `dQ`, and `qInv` (a JWK's
    /// `n`, `e`, `d`, `p`, `q`, `dp`, `dq`, `qi`).
    pub(crate) fn from_components(public: [&[u8]; 2], private: [&[u8]; 6]) -> Result<Self, String> {
        use provider::rsa::{KeyPairComponents, PublicKeyComponents};
        let [n, e] = public;
        let [d, p, q, d_p, d_q, q_inv] = private;
        let components = KeyPairComponents {
            public_key: PublicKeyComponents { n, e },
            d,
            p,
            q,
            dP: d_p,
            dQ: d_q,
            qInv: q_inv,
        };
        RsaKeyPair::from_components(&components)
            .map(Self)
            .map_err(|e| e.to_string())
    }

    /// The RS256 signature of `message`.
    pub(crate) fn sign(&self, message: &[u8]) -> Result<Vec<u8>, String> {
        let mut signature = vec![0; self.modulus_len()];
        self.0
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                message,
                &mut signature,
            )
            .map_err(|_| "the key could not sign".to_owned())?;
        Ok(signature)
    }

    /// The public key, DER-encoded (`RSAPublicKey`), to verify what it signs.
    #[cfg(test)]
    pub(crate) fn public_der(&self) -> Vec<u8> {
        use provider::signature::KeyPair;
        self.0.public_key().as_ref().to_vec()
    }

    #[cfg(feature = "aws-lc-rs")]
    fn modulus_len(&self) -> usize {
        self.0.public_modulus_len()
    }

    #[cfg(not(feature = "aws-lc-rs"))]
    fn modulus_len(&self) -> usize {
        self.0.public().modulus_len()
    }
}

/// Whether `signature` is the RS256 signature of `message` by the public key `public_der`.
#[cfg(test)]
pub(crate) fn verify_rs256(public_der: &[u8], message: &[u8], signature: &[u8]) -> bool {
    use provider::signature::{RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey};
    UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, public_der)
        .verify(message, signature)
        .is_ok()
}
