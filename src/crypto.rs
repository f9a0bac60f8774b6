//! The cryptography of the workflows (webhook signatures): the library the TLS already uses,
//! aws-lc-rs when its feature is on, else ring. Both have the same `hmac` API, so the code
//! above this module is written once.

#[cfg(feature = "aws-lc-rs")]
pub(crate) use aws_lc_rs::hmac;
#[cfg(not(feature = "aws-lc-rs"))]
pub(crate) use ring::hmac;
