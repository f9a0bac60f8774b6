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
    /// The generated file is compiled in a crate other than the runtime's (`cloudflare_stream`
    /// itself, where `build.rs` includes it). Each operation's optional parameters are setters
    /// on the runtime's `Request`: inherent methods inside the runtime's crate, which only it
    /// may define; outside it, methods of a trait per operation, in the resource's `setters`
    /// module (bring it in with `use ...::setters::*`).
    pub outside_runtime: bool,
}
