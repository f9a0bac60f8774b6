//! The SDK's integration tests, in one binary (one link, one process) rather than one per file:
//! the runtime end to end against servers on loopback (wiremock, raw TCP, the Stream emulator),
//! with what they share in [`support`].
//!
//! - [`e2e`]: every operation against a scripted server, both sides of the wire;
//! - [`retries`]: retries, backoff, `Retry-After`, timeouts and broken connections;
//! - [`observability`]: the `tracing` spans and events, and no secret in them;
//! - [`emulator`]: the SDK against the stateful emulator, `wait_until_ready` included;
//! - [`env`]: `Client::from_env` against a real process environment (in child processes);
//! - [`load`]: thousands of concurrent calls against the emulator;
//! - [`spec_served`]: the whole Stream API against the emulator serving `spec/`;
//! - [`pages`]: `all()`, every video page after page, exact across shared instants;
//! - [`upload`]: tus uploads, byte for byte, through faults, resumed, refused;
//! - [`playback`]: signed links, signed locally, checked by the emulator's playback route;
//! - [`webhooks`]: the emulator's signed, retried notifications, trusted by `WebhookVerifier`.

mod support;

mod e2e;
mod emulator;
mod env;
mod load;
mod observability;
mod pages;
mod playback;
mod retries;
mod spec_served;
mod upload;
mod webhooks;
