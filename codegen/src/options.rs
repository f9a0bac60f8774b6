//! How to generate: the choices a caller makes, read by the model stage.

/// How to generate.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Give what cannot be expressed exactly the nearest faithful type and list it in
    /// [`Generated::notes`](crate::Generated::notes), instead of failing. For specs we do not control (Cloudflare's own);
    /// the SDK's `spec/` is generated strictly.
    pub lenient: bool,
    /// Give every component schema a type, even those no operation uses (plain ones as
    /// aliases). Off by default: the SDK's own spec holds the envelope schemas the runtime
    /// handles itself.
    pub every_schema: bool,
}
