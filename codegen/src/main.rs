//! Command-line front end: regenerate the committed copy, check that it is up to date, say
//! what changed in the generated API, and import resources of a Cloudflare schema.
//!
//! Exit statuses: 0 done; 1 `check` found a stale copy or lock, or `changelog --fail-on` found
//! such a change; 2 bad usage, or a spec (or git revision) that cannot be read.

use std::process::ExitCode;

/// Generating allocates millions of small objects (tokens, syntax trees); mimalloc serves
/// them in about three quarters of the time glibc's allocator takes (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc's option enumeration, which the bindings do not name.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// How long mimalloc keeps freed memory before returning it to the OS, in milliseconds. Its
/// default, a second, outlasts a whole generation, so the process held every page it ever
/// used: about 200 MB at the peak on Cloudflare's whole API. At 100 ms, about 160 MB, in the
/// same time; at 0, 140 MB, but a fifth of a second more spent returning pages.
const PURGE_DELAY_MS: std::ffi::c_long = 100;

fn main() -> ExitCode {
    // SAFETY: setting an option stores a value in mimalloc's option table, which it reads when
    // it next decides to purge; this runs before any other thread exists.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) };
    codegen::cli::main()
}
